// StringBody: a Beast body held in a std::string, like http::string_body, whose reader appends what arrives
// instead of growing the string with resize(). resize() zero-fills every byte before the copy overwrites it;
// for the 128 KB uploads and 441 KB answers of /assist that was 5 % of Maestro's CPU (docs/benchmarks.md).
#pragma once

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <string>

namespace maestro::net {

struct StringBody {
  using value_type = std::string;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>& /*header*/, value_type& body) : body_(body) {}

    // Reserves the declared length once, so appends never reallocate. The parser's body limit has already
    // refused a length above it.
    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      ec = {};
      if (!length) return;
      if (*length > body_.max_size() - body_.size()) {
        ec = boost::beast::http::error::buffer_overflow;
        return;
      }
      body_.reserve(body_.size() + static_cast<std::size_t>(*length));
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      ec = {};
      std::size_t appended = 0;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        if (buffer.size() > body_.max_size() - body_.size()) {
          ec = boost::beast::http::error::buffer_overflow;
          return appended;
        }
        body_.append(static_cast<const char*>(buffer.data()), buffer.size());
        appended += buffer.size();
      }
      return appended;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };

  using writer = boost::beast::http::string_body::writer;
};

}  // namespace maestro::net
