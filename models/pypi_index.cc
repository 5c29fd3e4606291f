#include "models/pypi_index.h"

#include <cctype>
#include <cstdlib>

namespace maestro::models {
namespace {

constexpr size_t kMaxPageBytes = 4u << 20;

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// The few entities a simple index uses in attribute values and file names.
std::string Unescape(std::string text) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
  for (const auto& [entity, plain] : kEntities) {
    for (size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, std::char_traits<char>::length(entity), plain);
    }
  }
  return text;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The value of attribute `name` (lower case; matched in any case) inside one tag's text, or "" when absent.
std::string Attribute(const std::string& tag, const std::string& name) {
  std::string lower = Lower(tag);
  for (size_t at = lower.find(name); at != std::string::npos; at = lower.find(name, at + 1)) {
    bool starts_word = at > 0 && std::isspace(static_cast<unsigned char>(tag[at - 1]));
    size_t equals = tag.find_first_not_of(" \t\r\n", at + name.size());
    if (!starts_word || equals == std::string::npos || tag[equals] != '=') continue;
    size_t open = tag.find_first_not_of(" \t\r\n", equals + 1);
    if (open == std::string::npos) return {};
    char quote = tag[open];
    if (quote != '"' && quote != '\'') {
      size_t end = tag.find_first_of(" \t\r\n>", open);
      return Unescape(tag.substr(open, end - open));
    }
    size_t close = tag.find(quote, open + 1);
    if (close == std::string::npos) return {};
    return Unescape(tag.substr(open + 1, close - open - 1));
  }
  return {};
}

}  // namespace

std::string NormalizePackageName(const std::string& name) {
  std::string normal;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (normal.empty() || normal.back() != '-') normal += '-';
    } else {
      normal += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return normal;
}

std::string ResolveUrl(const std::string& page_url, const std::string& href) {
  if (href.find("://") != std::string::npos) return href;
  size_t scheme_end = page_url.find("://");
  if (scheme_end == std::string::npos) return href;
  if (href.rfind("//", 0) == 0) return page_url.substr(0, scheme_end + 1) + href;
  size_t path_start = page_url.find('/', scheme_end + 3);
  std::string origin = path_start == std::string::npos ? page_url : page_url.substr(0, path_start);
  if (!href.empty() && href[0] == '/') return origin + href;
  std::string directory = path_start == std::string::npos ? origin + "/" : page_url.substr(0, page_url.rfind('/') + 1);
  return directory + href;
}

Result<WheelLink> FindWheelLink(const std::string& html, const std::string& page_url, const std::string& wheel) {
  std::string lower = Lower(html);
  for (size_t open = lower.find("<a"); open != std::string::npos; open = lower.find("<a", open + 2)) {
    if (open + 2 >= lower.size() || !std::isspace(static_cast<unsigned char>(lower[open + 2]))) continue;
    size_t tag_end = html.find('>', open);
    if (tag_end == std::string::npos) break;
    size_t close = lower.find("</a", tag_end);
    if (close == std::string::npos) break;
    std::string href = Attribute(html.substr(open, tag_end - open), "href");
    std::string text = Unescape(Trim(html.substr(tag_end + 1, close - tag_end - 1)));
    std::string without_fragment = href.substr(0, href.find('#'));
    std::string base_name = without_fragment.substr(without_fragment.rfind('/') + 1);
    if (without_fragment.empty() || (text != wheel && base_name != wheel)) continue;
    WheelLink link;
    link.url = ResolveUrl(page_url, without_fragment);
    if (size_t hash = href.find("#sha256="); hash != std::string::npos) link.sha256 = Lower(href.substr(hash + 8));
    return link;
  }
  return Status(StatusCode::kNotFound, page_url + " does not list " + wheel);
}

std::string PypiIndex::DefaultBase() {
  if (const char* base = std::getenv("MAESTRO_PYPI_INDEX"); base && *base) return base;
  return "https://pypi.org/simple";
}

std::string PypiIndex::PageUrl(const std::string& package) const {
  std::string base = base_;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + NormalizePackageName(package) + "/";
}

Result<WheelLink> PypiIndex::Locate(const std::string& package, const std::string& wheel) {
  std::string page = PageUrl(package);
  auto html = downloader_.GetText(page, kMaxPageBytes);
  if (!html.ok()) return html.status();
  return FindWheelLink(*html, page, wheel);
}

}  // namespace maestro::models
