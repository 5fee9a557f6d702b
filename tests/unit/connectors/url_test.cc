#include "connectors/common/url.h"

#include <gtest/gtest.h>

namespace hashwatch::connectors {
namespace {

TEST(ParseEndpoint, SecureWebSocketDefaultsTo443) {
  auto ep = parse_endpoint("wss://ws-feed.exchange.coinbase.com");
  ASSERT_TRUE(ep);
  EXPECT_TRUE(ep->tls);
  EXPECT_TRUE(ep->websocket);
  EXPECT_EQ(ep->host, "ws-feed.exchange.coinbase.com");
  EXPECT_EQ(ep->port, "443");
  EXPECT_EQ(ep->target, "/");
}

TEST(ParseEndpoint, PlainWithPortPathAndQuery) {
  auto ep = parse_endpoint("ws://127.0.0.1:9000/coinbase?stall_after=3");
  ASSERT_TRUE(ep);
  EXPECT_FALSE(ep->tls);
  EXPECT_EQ(ep->port, "9000");
  EXPECT_EQ(ep->target, "/coinbase?stall_after=3");
}

TEST(ParseEndpoint, HttpsAndIpv6Literal) {
  auto ep = parse_endpoint("https://[::1]:8443/mempool");
  ASSERT_TRUE(ep);
  EXPECT_TRUE(ep->tls);
  EXPECT_FALSE(ep->websocket);
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->target, "/mempool");
}

TEST(ParseEndpoint, RejectsOtherSchemesAndCredentials) {
  std::string why;
  EXPECT_FALSE(parse_endpoint("ftp://x", &why));
  EXPECT_NE(why.find("unsupported scheme"), std::string::npos);
  EXPECT_FALSE(parse_endpoint("https://user:pw@host/", &why));
  EXPECT_NE(why.find("credentials"), std::string::npos);
  EXPECT_FALSE(parse_endpoint("not a url", &why));
}

}  // namespace
}  // namespace hashwatch::connectors
