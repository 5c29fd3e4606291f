#!/usr/bin/python3
"""Checks deploy/Dockerfile offline (no Docker engine here):
- two stages on Debian 12; packages come only from scripts/bootstrap.sh, run exactly as the README runs it in the
  build stage and with --runtime in the last stage (so the image and a README install get the same packages);
- the last stage runs as a non-root user, mounts /models as a volume and gets the binary from the build stage;
- every shared library of the built binary and of its engine modules (ldd), and every library the binary opens
  itself (libcurl), comes from a package that `bootstrap.sh --runtime` installs or pulls in (apt-cache depends), so
  the runtime stage can run it;
- the image carries the engine modules and tells the binary where they are (MAESTRO_ENGINE_DIR).

usage: validate_image.py SOURCE_DIR MAESTRO_BINARY
"""
import os
import re
import subprocess
import sys


class Invalid(Exception):
    pass


def instructions(dockerfile_text):
    """RETURNS [(INSTRUCTION, arguments)] with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile_text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        result.append((word.upper(), rest.strip()))
    return result


def stages(parsed):
    result = []
    for word, rest in parsed:
        if word == "FROM":
            result.append({"from": rest, "steps": []})
        elif result:
            result[-1]["steps"].append((word, rest))
    return result


def check_dockerfile(text, readme):
    parsed = stages(instructions(text))
    if len(parsed) < 2:
        raise Invalid("the Dockerfile must have a build stage and a runtime stage")
    for stage in parsed:
        base = stage["from"].split()[0]
        if base not in ("debian:12", "debian:bookworm") and not base.startswith("debian:12-"):
            raise Invalid(f"stage FROM {base}: must be Debian 12")
        for word, rest in stage["steps"]:
            if word == "RUN" and re.search(r"\b(apt-get|apt|dpkg)\b[^&;]*\binstall\b", rest):
                raise Invalid(f"RUN {rest}: packages must come from scripts/bootstrap.sh only")
    build, runtime = parsed[0], parsed[-1]
    build_runs = [rest for word, rest in build["steps"] if word == "RUN"]
    readme_runs = re.findall(r"(scripts/bootstrap\.sh[^&\n]*)", readme)
    if not readme_runs:
        raise Invalid("the README does not run scripts/bootstrap.sh")
    readme_invocation = {run.strip() for run in readme_runs}
    if not any(run.split("&&")[0].strip() in readme_invocation for run in build_runs):
        raise Invalid(f"the build stage must run bootstrap as the README does: {sorted(readme_invocation)}")
    runtime_runs = [rest for word, rest in runtime["steps"] if word == "RUN"]
    if not any(re.search(r"bootstrap\.sh --runtime(\s|$)", run) for run in runtime_runs):
        raise Invalid("the runtime stage must install packages with bootstrap.sh --runtime")
    users = [rest for word, rest in runtime["steps"] if word == "USER"]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        raise Invalid("the runtime stage must end as a non-root USER")
    uid = users[-1].split(":")[0]
    if not any(word == "RUN" and "useradd" in rest and (f"--uid {uid}" in rest or uid in rest.split())
               for word, rest in runtime["steps"]):
        raise Invalid(f"the runtime stage never creates the user {uid}")
    volumes = " ".join(rest for word, rest in runtime["steps"] if word == "VOLUME")
    if "/models" not in volumes:
        raise Invalid("the runtime stage must declare /models as a VOLUME")
    if not any(word == "COPY" and rest.startswith("--from=") and "maestro" in rest for word, rest in runtime["steps"]):
        raise Invalid("the runtime stage must copy the binary from the build stage")


def run(args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


# Libraries the binary opens with dlopen when it first needs them (models/curl_library.cc).
OPENED_SONAMES = ["libcurl.so.4"]


def engine_modules(binary):
    """RETURNS the engine modules built beside `binary` (engines/modules/); there must be some."""
    folder = os.path.join(os.path.dirname(os.path.realpath(binary)), "engine-modules")
    modules = sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".so")) \
        if os.path.isdir(folder) else []
    if not modules:
        raise Invalid(f"no engine modules in {folder}")
    return modules


def opened_libraries():
    """RETURNS the paths the dynamic loader finds for OPENED_SONAMES."""
    cache = run(["/sbin/ldconfig", "-p"])
    paths = []
    for soname in OPENED_SONAMES:
        found = re.findall(rf"^\s*{re.escape(soname)} \(libc6,x86-64\) => (\S+)$", cache, re.M)
        if not found:
            raise Invalid(f"{soname} is not installed")
        paths.append(found[0])
    return paths


def check_runtime_packages(source_dir, binary):
    runtime = run([f"{source_dir}/scripts/bootstrap.sh", "--runtime", "--print"]).split()
    closure_text = run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                        "--no-breaks", "--no-replaces", "--no-enhances", *runtime])
    closure = {line.strip().split()[-1].strip("<>").split(":")[0] for line in closure_text.splitlines() if line.strip()}
    libraries = set()
    for loaded in [binary, *engine_modules(binary)]:
        libraries.update(re.findall(r"=> (/\S+)", run(["ldd", loaded])))
    libraries.update(opened_libraries())
    libraries = sorted(libraries)
    # Libraries from the build tree (llama.cpp's, from npm) are copied by the Dockerfile, not installed by apt.
    build_dir = os.path.dirname(os.path.realpath(binary))
    from_build = [lib for lib in libraries if os.path.realpath(lib).startswith(build_dir + "/")]
    libraries = [lib for lib in libraries if lib not in from_build]
    # A sanitizer build (the asan and tsan presets) links its runtimes; the image ships the release build.
    libraries = [lib for lib in libraries if not re.search(r"/lib(asan|ubsan|tsan|lsan)\.so", lib)]
    # dpkg knows the path it installed, which may be the /lib alias of /usr/lib or the symlink itself.
    candidates = {library: {library, os.path.realpath(library), re.sub(r"^/usr/lib/", "/lib/", library),
                            re.sub(r"^/usr/lib/", "/lib/", os.path.realpath(library))} for library in libraries}
    owners = {}
    every_path = sorted({path for paths in candidates.values() for path in paths})
    listing = subprocess.run(["dpkg", "-S", *every_path], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        package, _, path = line.partition(": ")
        owners[path.strip()] = package.split(":")[0]
    missing = []
    for library, paths in candidates.items():
        packages = {owners[path] for path in paths if path in owners}
        if not packages:
            missing.append(f"{library} (no Debian package owns it)")
        elif not packages & closure:
            missing.append(f"{library} ({', '.join(sorted(packages))})")
    if missing:
        raise Invalid("bootstrap.sh --runtime does not provide: " + ", ".join(missing))
    return len(libraries), len(from_build)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source_dir, binary = sys.argv[1], sys.argv[2]
    try:
        text = open(f"{source_dir}/deploy/Dockerfile").read()
        readme = open(f"{source_dir}/README.md").read()
        check_dockerfile(text, readme)
        print("Dockerfile: two Debian 12 stages, packages only from bootstrap.sh, non-root, /models volume")
        for what, broken in {
            "apt-get in the Dockerfile": text.replace("RUN scripts/bootstrap.sh\n",
                                                      "RUN apt-get update && apt-get install -y g++\n"),
            "root user": text.replace("USER 10001:10001", "USER root"),
            "no models volume": text.replace('VOLUME ["/models"]', ""),
            "runtime without bootstrap": text.replace("/tmp/bootstrap.sh --runtime", "/tmp/bootstrap.sh"),
            "another base image": text.replace("FROM debian:12 AS runtime", "FROM ubuntu:24.04 AS runtime"),
        }.items():
            try:
                check_dockerfile(broken, readme)
                raise Invalid(f"self-test: '{what}' was not rejected")
            except Invalid as error:
                if str(error).startswith("self-test"):
                    raise
        count, copied = check_runtime_packages(source_dir, binary)
        if copied and "MAESTRO_GGML_DIR" not in text:
            raise Invalid("the binary needs libraries from the build tree, which the image must copy")
        if "engine-modules" not in text or "MAESTRO_ENGINE_DIR" not in text:
            raise Invalid("the image must copy build/engine-modules and set MAESTRO_ENGINE_DIR")
        print(f"runtime packages: all {count} Debian shared libraries of {binary} come from bootstrap.sh --runtime;"
              f" {copied} from the build tree are copied")
    except Invalid as error:
        print(f"INVALID: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
