// A feed's up/down state and error reporting, shared by the WebSocket client and the HTTP poller:
// an up/down change updates hashwatch_feed_up, sends kFeedUp/kFeedDown to the engine and logs once;
// errors are counted by kind and logged rate-limited. After stop() nothing is touched any more
// (the feed owning the counters may be gone while a cancelled operation completes).
#pragma once

#include <string>
#include <string_view>

#include "connectors/common/connector.h"
#include "connectors/common/feed_stats.h"
#include "connectors/common/parse_status.h"

namespace hashwatch::connectors {

class FeedHealth {
 public:
  FeedHealth(std::string feed_name, rules::SourceId source, EventSink& sink, FeedStats& stats);

  void set_up(bool up, TimeNs now_ns);
  void error(ErrorKind kind, std::string_view detail, TimeNs now_ns);
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }
  bool up() const { return up_; }

 private:
  std::string feed_name_;
  rules::SourceId source_;
  EventSink& sink_;
  FeedStats& stats_;
  ErrorLog log_;
  bool stopped_ = false;
  bool up_ = false;
};

// Counts a message that did not parse under its kind and logs it (rate-limited) with the start
// of the frame.
void report_parse_error(FeedStats& stats, ErrorLog& log, ParseStatus status,
                        std::string_view frame, TimeNs recv_ns);

// Counts an error the server reported (kind server_error) and logs it, rate-limited.
void report_server_error(FeedStats& stats, ErrorLog& log, std::string_view detail, TimeNs recv_ns);

// For REST protocols: true for 2xx; otherwise counts a server error with the status and the start
// of the body (never parsed: mempool's 429 is nginx HTML) and returns false.
bool http_ok(unsigned status, std::string_view what, std::string_view body, FeedStats& stats,
             ErrorLog& log, TimeNs recv_ns);

}  // namespace hashwatch::connectors
