#include "audio/memory_file.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace maestro::audio {

SF_VIRTUAL_IO* MemoryFile::Callbacks() {
  static SF_VIRTUAL_IO callbacks{&Length, &Seek, &Read, &Write, &Tell};
  return &callbacks;
}

sf_count_t MemoryFile::Length(void* self) {
  return static_cast<sf_count_t>(static_cast<MemoryFile*>(self)->view().size());
}

sf_count_t MemoryFile::Seek(sf_count_t offset, int whence, void* self) {
  auto* file = static_cast<MemoryFile*>(self);
  const auto size = static_cast<sf_count_t>(file->view().size());
  sf_count_t target = offset;
  if (whence == SEEK_CUR) target = file->position_ + offset;
  if (whence == SEEK_END) target = size + offset;
  // Writers may seek past the end to leave room for a header; readers may not.
  if (target < 0 || (!file->writable() && target > size)) return -1;
  file->position_ = target;
  return target;
}

sf_count_t MemoryFile::Read(void* ptr, sf_count_t count, void* self) {
  auto* file = static_cast<MemoryFile*>(self);
  const auto data = file->view();
  const auto size = static_cast<sf_count_t>(data.size());
  if (count <= 0 || file->position_ >= size) return 0;
  const sf_count_t n = std::min(count, size - file->position_);
  std::memcpy(ptr, data.data() + file->position_, static_cast<size_t>(n));
  file->position_ += n;
  return n;
}

sf_count_t MemoryFile::Write(const void* ptr, sf_count_t count, void* self) {
  auto* file = static_cast<MemoryFile*>(self);
  if (!file->writable() || count <= 0) return 0;
  const auto end = static_cast<size_t>(file->position_ + count);
  if (file->written_.size() < end) file->written_.resize(end);
  std::memcpy(file->written_.data() + file->position_, ptr, static_cast<size_t>(count));
  file->position_ += count;
  return count;
}

sf_count_t MemoryFile::Tell(void* self) {
  return static_cast<MemoryFile*>(self)->position_;
}

}  // namespace maestro::audio
