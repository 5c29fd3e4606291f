#include "common/csv.h"

namespace maestro {

Status CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  while (true) {
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) return InvalidArgument("line " + std::to_string(line_) + ": unclosed quote");
        char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.push_back('"');
            ++pos_;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++line_;
          field.push_back(c);
        }
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        return InvalidArgument("line " + std::to_string(line_) + ": text after a closing quote");
      }
    } else {
      std::size_t end = text_.find_first_of(",\r\n", pos_);
      if (end == std::string_view::npos) end = text_.size();
      field.assign(text_.substr(pos_, end - pos_));
      pos_ = end;
    }
    fields.push_back(field);
    if (pos_ >= text_.size()) break;
    char c = text_[pos_++];
    if (c == ',') continue;
    if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    break;
  }
  ++line_;
  return Status::Ok();
}

Result<std::vector<std::string>> SplitCsvLine(std::string_view line) {
  std::vector<std::string> fields;
  if (line.empty()) return std::vector<std::string>{""};
  CsvReader reader(line);
  if (auto status = reader.Next(fields); !status.ok()) return status;
  if (!reader.AtEnd()) return InvalidArgument("a line break inside one CSV line");
  return fields;
}

}  // namespace maestro
