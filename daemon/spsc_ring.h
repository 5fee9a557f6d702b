// A bounded single-producer single-consumer ring of trivially copyable items (power-of-two
// capacity). The I/O thread pushes, the engine thread pops; neither ever blocks or allocates.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <stdexcept>
#include <type_traits>

namespace hashwatch::daemon {

template <class T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  explicit SpscRing(std::size_t capacity_pow2)
      : mask_(capacity_pow2 - 1), items_(std::make_unique<T[]>(capacity_pow2)) {
    if (capacity_pow2 == 0 || (capacity_pow2 & mask_) != 0) {
      throw std::invalid_argument("SpscRing capacity must be a power of two");
    }
  }

  // Producer side. False when full.
  bool push(const T& item) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_cache_ > mask_) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (tail - head_cache_ > mask_) return false;
    }
    items_[tail & mask_] = item;
    tail_.store(tail + 1, std::memory_order_seq_cst);
    return true;
  }

  // Consumer side. False when empty.
  bool pop(T& item) {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_cache_) {
      tail_cache_ = tail_.load(std::memory_order_seq_cst);
      if (head == tail_cache_) return false;
    }
    item = items_[head & mask_];
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  bool empty() const {
    return head_.load(std::memory_order_seq_cst) == tail_.load(std::memory_order_seq_cst);
  }
  std::size_t capacity() const { return mask_ + 1; }

 private:
  const std::size_t mask_;
  std::unique_ptr<T[]> items_;
  alignas(64) std::atomic<std::size_t> head_{0};
  std::size_t tail_cache_ = 0;  // consumer's view of tail
  alignas(64) std::atomic<std::size_t> tail_{0};
  std::size_t head_cache_ = 0;  // producer's view of head
};

}  // namespace hashwatch::daemon
