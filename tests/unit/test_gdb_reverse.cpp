// The gdb stub's hook for reverse execution: without one, bs/bc are not
// offered (empty replies); with one, qSupported offers ReverseStep and
// ReverseContinue and bs/bc call it and report where it stopped.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "ui/cli/gdb_stub.hpp"

namespace {

struct Client {
    int fd = -1;
    explicit Client(uint16_t port) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    }
    ~Client() { ::close(fd); }
    void send(const std::string& payload) {
        unsigned sum = 0;
        for (char c : payload) sum += static_cast<unsigned char>(c);
        char tail[8];
        std::snprintf(tail, sizeof tail, "#%02x", sum & 0xff);
        const std::string pkt = "$" + payload + tail;
        REQUIRE(::write(fd, pkt.data(), pkt.size()) == ssize_t(pkt.size()));
    }
    // The payload of the next packet from the stub (acks skipped).
    std::string reply(cli::GdbStub& stub) {
        std::string in;
        for (int i = 0; i < 200; ++i) {
            stub.service(5, 0);
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 5) > 0) {
                char b[4096];
                ssize_t n = ::read(fd, b, sizeof b);
                if (n > 0) in.append(b, size_t(n));
            }
            size_t s = in.find('$'), h = in.find('#', s);
            if (s != std::string::npos && h != std::string::npos && in.size() >= h + 3) return in.substr(s + 1, h - s - 1);
        }
        FAIL("no reply");
        return "";
    }
    std::string ask(cli::GdbStub& stub, const std::string& payload) {
        send(payload);
        return reply(stub);
    }
};

struct FakeHistory : cli::ReverseExecution {
    int steps = 0, continues = 0;
    cli::GdbStop reverse_step(emu::Machine&, unsigned hart) override {
        ++steps;
        return {cli::GdbStop::Trap, emu::StopReason::Limit, hart};
    }
    cli::GdbStop reverse_continue(emu::Machine&) override {
        ++continues;
        return {cli::GdbStop::HistoryStart, emu::StopReason::Limit, 1};
    }
};

}  // namespace

TEST_CASE("gdb stub: reverse execution goes through the ReverseExecution hook") {
    emu::MachineConfig cfg;
    cfg.harts = 2;
    cfg.ram_size = 1 << 20;
    emu::Machine m(cfg);
    emu::Image img;
    cli::DebugSession dbg(m, img);
    cli::GdbStub stub(m, dbg, 0);
    Client c(stub.port());
    REQUIRE(stub.accept(1000));

    CHECK(c.ask(stub, "qSupported").find("ReverseStep") == std::string::npos);
    CHECK(c.ask(stub, "bs") == "");
    CHECK(c.ask(stub, "bc") == "");

    FakeHistory h;
    stub.set_reverse(&h);
    const std::string sup = c.ask(stub, "qSupported");
    CHECK(sup.find("ReverseStep+") != std::string::npos);
    CHECK(sup.find("ReverseContinue+") != std::string::npos);
    CHECK(c.ask(stub, "Hg2") == "OK");
    CHECK(c.ask(stub, "bs") == "T05thread:2;");  // stepped back on the selected hart
    CHECK(h.steps == 1);
    CHECK(c.ask(stub, "bc") == "T05thread:2;replaylog:begin;");
    CHECK(h.continues == 1);
    CHECK(c.ask(stub, "bx") == "");
}
