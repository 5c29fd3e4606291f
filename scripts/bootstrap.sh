#!/usr/bin/env bash
# Installs every Debian 12 package that Maestro's build, tests and runtime need.
# Idempotent: packages already present are skipped by apt itself; run it as often as you like.
#   scripts/bootstrap.sh                    everything (what the README and CI run)
#   scripts/bootstrap.sh --runtime          only what the built binary needs to run (the container image's last stage)
#   scripts/bootstrap.sh [--runtime] --print   prints the package list instead of installing it
set -euo pipefail

mode=all
print=false
for arg in "$@"; do
  case "$arg" in
    --runtime) mode=runtime ;;
    --print) print=true ;;
    *) echo "bootstrap: unknown option $arg" >&2; exit 2 ;;
  esac
done

# The shared libraries of build/maestro (tests/deploy checks this against `ldd`), the speech data it reads, and curl
# and iproute2 for health checks and network-namespace hosts.
runtime_packages=(
  libgrpc++1.51 libprotobuf32 libthrift-0.17.0 libevent-2.1-7 libssl3
  libpocketsphinx3 libsphinxbase3 pocketsphinx-en-us libespeak-ng1 espeak-ng-data libsndfile1 libsoxr0
  libyaml-cpp0.7 libspdlog1.10 libfmt9 libprometheus-cpp-core1.0 libcpp-httplib0.11
  librhvoice5 librhvoice-core7 rhvoice-brazilian-portuguese rhvoice-english libcurl4 libzip4
  libwebrtc-audio-processing1
  ca-certificates curl iproute2
)

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache git curl ca-certificates
  # lint (scripts/lint.sh, run by .ci/run)
  clang-format clang-tidy
  # contracts and transports
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  libthrift-dev thrift-compiler libevent-dev libssl-dev
  libboost-dev libboost-system-dev
  # engines and audio
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx pocketsphinx-en-us pocketsphinx-testdata sphinxbase-utils
  libespeak-ng-dev espeak-ng libsndfile1-dev libsoxr-dev sox lame libwebrtc-audio-processing-dev
  # RHVoice, the default voice (pt-BR Letícia-F123 and English): in Debian's non-free component, enabled below
  librhvoice-dev rhvoice-brazilian-portuguese rhvoice-english
  # libraries
  libcpp-httplib-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libyaml-cpp-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # maestro models: downloads, wheel members (python3-numpy, below, runs the Whisper conversion)
  libcurl4-openssl-dev libzip-dev
  # test oracles and independent clients (reached only through /usr/bin/python3)
  python3 python3-grpcio python3-grpc-tools python3-thrift python3-numpy python3-scipy python3-statsmodels python3-pandas
  # fuzzing (scripts/fuzz.sh: libFuzzer, ASan and UBSan runtimes) and formatting
  clang-14 clang libclang-rt-14-dev clang-format
  # load comparison and report rendering
  wrk chromium
  # network-namespace hosts (maestro up --topology netns)
  iproute2
  # deployment checks: Compose's own validator, Kubernetes API models for the manifest schema check
  docker-compose python3-yaml python3-kubernetes
)
# The machine image ships Node.js with its own npm; Debian's npm would conflict with it.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
# Likewise a kubectl from the machine image (for `kubectl kustomize`) wins over Debian's, which would conflict.
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)

[ "$mode" = runtime ] && packages=("${runtime_packages[@]}")
if $print; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

# RHVoice lives in bookworm's non-free component, which a stock machine does not enable. Add it once, in a file of
# our own, leaving the system's own sources untouched.
non_free_list=/etc/apt/sources.list.d/maestro-non-free.sources
if ! grep -rEqs 'non-free([[:space:]]|$)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
    $sudo_cmd tee "$non_free_list" >/dev/null
  echo "bootstrap: enabled Debian's non-free component for RHVoice ($non_free_list)"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "bootstrap: installing ${missing[*]}"
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
