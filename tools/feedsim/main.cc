// hashwatch-feedsim: serves recorded feeds on loopback in their real wire formats. Prints one
// "name url" line per feed on stdout once it listens, then serves until SIGTERM/SIGINT.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "tools/feedsim/coinbase_format.h"
#include "tools/feedsim/exchange_formats.h"
#include "tools/feedsim/mempool_format.h"
#include "tools/feedsim/server.h"

int main(int argc, char** argv) {
  using namespace hashwatch::feedsim;
  CLI::App cli{"hashwatch-feedsim: recorded market and network feeds on loopback"};
  std::string listen = "127.0.0.1:0";
  SimOptions options;
  options.fixtures_dir = HASHWATCH_DEFAULT_FIXTURES;
  cli.add_option("--listen", listen, "address:port to listen on (port 0: any free port)")
      ->capture_default_str();
  cli.add_option("--fixtures", options.fixtures_dir, "fixture directory (tests/fixtures layout)")
      ->capture_default_str();
  cli.add_option("--rate", options.rate_per_s, "streamed frames per second per connection")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cli.add_flag("--loop", options.loop, "replay recordings forever, shifting ids and times");
  cli.add_option("--ercot-day", options.ercot_day, "recorded ERCOT day replayed for other dates")
      ->capture_default_str();
  cli.add_option("--ercot-publish-period", options.ercot_publish_period_s,
                 "seconds between two published ERCOT intervals")
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  spdlog::set_default_logger(spdlog::stderr_color_mt("feedsim"));
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "feedsim: --listen must be address:port\n";
    return 2;
  }
  const std::string host = listen.substr(0, colon);
  const int port = std::stoi(listen.substr(colon + 1));

  boost::asio::io_context io;
  try {
    std::vector<std::unique_ptr<WsFormat>> ws;
    ws.push_back(make_coinbase_format(options));
    ws.push_back(make_kraken_format(options));
    ws.push_back(make_binance_format(options));
    ws.push_back(make_bitstamp_format(options));
    ws.push_back(make_mempool_ws_format(options));
    std::vector<std::unique_ptr<RestFormat>> rest;
    rest.push_back(make_mempool_format(options));
    rest.push_back(make_bitcoind_format(options));
    rest.push_back(make_hashrateindex_format(options));
    rest.push_back(make_ercot_format(options));
    rest.push_back(make_caiso_format(options));
    rest.push_back(make_pjm_format(options));
    rest.push_back(make_miso_format(options));
    Server server(io, options, std::move(ws), std::move(rest));
    std::string error;
    if (!server.listen(host, static_cast<std::uint16_t>(port), &error)) {
      std::cerr << "feedsim: cannot listen on " << listen << ": " << error << "\n";
      return 1;
    }
    std::cout << "feedsim listening " << host << ":" << server.port() << "\n";
    for (const auto& line : server.urls()) std::cout << line << "\n";
    std::cout.flush();
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](auto, int) { io.stop(); });
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "feedsim: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
