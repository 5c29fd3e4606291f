// Interop: independent Python clients (Debian's python3-grpcio and python3-thrift, stubs generated here at
// test time from Maestro's contracts and from the thesis system's original ones) call Maestro's gRPC and
// Thrift servers, which this process serves on loopback ports chosen by the OS.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "engines/emulated/emulated_engines.h"
#include "transport/transport.h"

namespace maestro::testing {
namespace {

namespace fs = std::filesystem;

const char* kPython = "/usr/bin/python3";

std::string SourceDir() {
  const char* dir = std::getenv("MAESTRO_SOURCE_DIR");
  return dir ? dir : MAESTRO_TEST_SOURCE_DIR;
}

// RETURNS the command's exit status; `output` gets its stdout and stderr.
int RunCommand(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buffer;
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class RpcInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string output;
    if (RunCommand(std::string(kPython) + " -c 'import grpc, grpc_tools, thrift'", output) != 0) {
      GTEST_FAIL() << "Debian's python3-grpcio, python3-grpc-tools and python3-thrift are needed: " << output;
    }
    char pattern[] = "/tmp/maestro-interop-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    temp_ = pattern;
    stt_engine_ = emulated::CreateSpeechToText({}).value();
    llm_engine_ = emulated::CreateLanguageModel({}).value();
    slow_llm_engine_ = emulated::CreateLanguageModel({{"service_ms", "300"}}).value();
    tts_engine_ = emulated::CreateTextToSpeech({}).value();
  }
  void TearDown() override {
    if (!temp_.empty()) fs::remove_all(temp_);
  }

  // Generates Python stubs for the .proto or .thrift files of `idl_dir` into a new folder and RETURNS it.
  std::string GenerateStubs(const std::string& idl_dir, const std::string& kind, const std::string& name) {
    std::string out = temp_ + "/" + name;
    fs::create_directories(out);
    std::string command;
    std::string output;
    if (kind == "grpc") {
      command = std::string(kPython) + " -m grpc_tools.protoc -I" + idl_dir + " --python_out=" + out +
                " --grpc_python_out=" + out + " stt.proto llm.proto tts.proto";
      EXPECT_EQ(RunCommand(command, output), 0) << command << "\n" << output;
    } else {
      for (const char* file : {"common", "stt", "llm", "tts"}) {
        std::string path = idl_dir + "/" + file + ".thrift";
        if (!fs::exists(path)) continue;
        command = "thrift --gen py -I " + idl_dir + " -out " + out + " " + path;
        EXPECT_EQ(RunCommand(command, output), 0) << command << "\n" << output;
      }
    }
    return out;
  }

  struct Servers {
    std::unique_ptr<ServiceServer> stt, llm, slow_llm, tts;
  };

  Servers Serve(Transport& transport) {
    Servers servers;
    servers.stt = std::move(transport.ServeStt(*stt_engine_, "127.0.0.1", 0).value());
    servers.llm = std::move(transport.ServeLlm(*llm_engine_, "127.0.0.1", 0).value());
    servers.slow_llm = std::move(transport.ServeLlm(*slow_llm_engine_, "127.0.0.1", 0).value());
    servers.tts = std::move(transport.ServeTts(*tts_engine_, "127.0.0.1", 0).value());
    return servers;
  }

  static std::string Ports(const Servers& servers) {
    return " --stt " + std::to_string(servers.stt->port()) + " --llm " + std::to_string(servers.llm->port()) +
           " --tts " + std::to_string(servers.tts->port());
  }

  std::string temp_;
  std::unique_ptr<SpeechToText> stt_engine_;
  std::unique_ptr<LanguageModel> llm_engine_;
  std::unique_ptr<LanguageModel> slow_llm_engine_;
  std::unique_ptr<TextToSpeech> tts_engine_;
};

TEST_F(RpcInteropTest, PythonGrpcClientsCallEachService) {
  auto transport = CreateTransport("grpc", TransportOptions{}).value();
  Servers servers = Serve(*transport);
  std::string script = SourceDir() + "/tests/transport/interop/grpc_client.py";
  for (bool original : {false, true}) {
    std::string idl = original ? SourceDir() + "/tests/transport/interop/original" : SourceDir() + "/proto";
    std::string stubs = GenerateStubs(idl, "grpc", original ? "grpc-original" : "grpc");
    std::string command = std::string(kPython) + " " + script + " --stubs " + stubs + Ports(servers) + " --slow-llm " +
                          std::to_string(servers.slow_llm->port()) + (original ? " --original" : "");
    std::string output;
    EXPECT_EQ(RunCommand(command, output), 0) << command << "\n" << output;
    EXPECT_NE(output.find("grpc interop ok"), std::string::npos) << output;
  }
}

TEST_F(RpcInteropTest, PythonThriftClientsCallEachServiceInEveryWireFormat) {
  std::string script = SourceDir() + "/tests/transport/interop/thrift_client.py";
  std::string current = GenerateStubs(SourceDir() + "/thrift", "thrift", "thrift");
  std::string original = GenerateStubs(SourceDir() + "/tests/transport/interop/original", "thrift", "thrift-original");
  for (const char* wire_transport : {"buffered", "framed"}) {
    for (const char* wire_protocol : {"binary", "compact"}) {
      TransportOptions options;
      options.thrift_transport = wire_transport;
      options.thrift_protocol = wire_protocol;
      auto transport = CreateTransport("thrift", options).value();
      Servers servers = Serve(*transport);
      for (bool from_original : {false, true}) {
        std::string command = std::string(kPython) + " " + script + " --stubs " + (from_original ? original : current) +
                              Ports(servers) + " --transport " + wire_transport + " --protocol " + wire_protocol +
                              (from_original ? " --original" : "");
        std::string output;
        EXPECT_EQ(RunCommand(command, output), 0) << command << "\n" << output;
        EXPECT_NE(output.find("thrift interop ok"), std::string::npos) << output;
      }
    }
  }
}

}  // namespace
}  // namespace maestro::testing
