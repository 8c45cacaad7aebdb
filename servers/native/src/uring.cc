// io_uring through its three raw system calls (io_uring_setup, io_uring_enter, io_uring_register)
// and mmap of its rings: no liburing, so a fresh `npm install` builds it with nothing but the
// kernel headers the compiler brings.
//
// What JS sees: a ring is its fd. Preparing an operation (accept, recv, send, close) writes one
// submission queue entry (SQE) into the shared ring and makes no system call; uringSubmitAndWait
// then submits every prepared entry and waits for completions in one io_uring_enter, and copies
// the completions (CQEs) into a caller-owned Int32Array, four numbers each: the two halves of the
// 64-bit user data, the result (a count, an fd, or -errno) and the flags. A server loop thus makes
// one system call per turn, whatever the number of sockets it served.
//
// Receives take their memory from a provided buffer ring: a pool of buffers registered once,
// which the kernel picks from when bytes arrive, so an idle connection holds no buffer. JS
// returns each buffer it has read by its id, in a batch, with the next uringSubmitAndWait.
#include "native.h"

#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <unordered_map>

namespace httplab {
namespace {

int SysSetup(unsigned entries, io_uring_params* p) { return static_cast<int>(syscall(__NR_io_uring_setup, entries, p)); }

int SysEnter(int fd, unsigned submit, unsigned wait, unsigned flags, void* arg, size_t argSize) {
  return static_cast<int>(syscall(__NR_io_uring_enter, fd, submit, wait, flags, arg, argSize));
}

int SysRegister(int fd, unsigned op, void* arg, unsigned n) {
  return static_cast<int>(syscall(__NR_io_uring_register, fd, op, arg, n));
}

// Entry i of a provided-buffer ring. Not &ring->bufs[i]: in C++ the header's flexible array
// member is preceded by an empty struct, which C++ gives a size, so `bufs` lands 8 bytes late.
io_uring_buf* BufferAt(io_uring_buf_ring* ring, unsigned i) { return reinterpret_cast<io_uring_buf*>(ring) + i; }

struct BufferRing {
  io_uring_buf_ring* ring = nullptr;
  size_t ringBytes = 0;
  unsigned entries = 0;
  uint8_t* pool = nullptr;  // JS memory: the server keeps the Buffer alive as long as the ring
  unsigned bufferBytes = 0;
  uint16_t tail = 0;  // our copy of ring->tail
};

struct Ring {
  int fd = -1;
  // submission queue
  void* sqMap = nullptr;
  size_t sqMapBytes = 0;
  unsigned* sqHead = nullptr;
  unsigned* sqTail = nullptr;
  unsigned sqMask = 0;
  unsigned sqEntries = 0;
  io_uring_sqe* sqes = nullptr;
  size_t sqesBytes = 0;
  unsigned sqLocalTail = 0;  // entries prepared; sqTail is published at submit
  // completion queue (shares sqMap when the kernel has IORING_FEAT_SINGLE_MMAP)
  void* cqMap = nullptr;
  size_t cqMapBytes = 0;
  unsigned* cqHead = nullptr;
  unsigned* cqTail = nullptr;
  unsigned cqMask = 0;
  unsigned cqEntries = 0;
  io_uring_cqe* cqes = nullptr;
  BufferRing buffers;
  uint16_t bufferGroup = 0;
};

// Rings by fd. A ring is used by the thread that created it (IORING_SETUP_SINGLE_ISSUER), so the
// table is per thread.
thread_local std::unordered_map<int, Ring*> g_rings;

void Unmap(Ring* r) {
  if (r->sqes != nullptr) munmap(r->sqes, r->sqesBytes);
  if (r->cqMap != nullptr && r->cqMap != r->sqMap) munmap(r->cqMap, r->cqMapBytes);
  if (r->sqMap != nullptr) munmap(r->sqMap, r->sqMapBytes);
  if (r->buffers.ring != nullptr) munmap(r->buffers.ring, r->buffers.ringBytes);
}

bool ArgRing(const Napi::CallbackInfo& info, const char* fn, Ring** out) {
  int32_t fd;
  if (!ArgInt(info, 0, fn, "ring", &fd)) return false;
  auto it = g_rings.find(fd);
  if (it == g_rings.end()) {
    ThrowRange(info.Env(), fn, "ring is not an io_uring made by uringSetup on this thread");
    return false;
  }
  *out = it->second;
  return true;
}

// Publishes the prepared entries to the kernel: the SQ array is the identity, so only the tail
// moves. Release order: the kernel must see the entries before the tail.
void PublishTail(Ring* r) { __atomic_store_n(r->sqTail, r->sqLocalTail, __ATOMIC_RELEASE); }

unsigned Pending(Ring* r) { return r->sqLocalTail - __atomic_load_n(r->sqHead, __ATOMIC_ACQUIRE); }

// Makes room for n more entries: when the submission queue is too full, what is prepared is
// submitted first (a system call that a ring sized for the server's load rarely needs). False
// after throwing.
bool MakeRoom(Napi::Env env, Ring* r, unsigned n, const char* fn) {
  if (r->sqEntries - Pending(r) >= n) return true;
  PublishTail(r);
  int rc = SysEnter(r->fd, Pending(r), 0, 0, nullptr, 0);
  if (rc < 0 && errno != EINTR && errno != EAGAIN && errno != EBUSY) {
    ThrowErrno(env, "io_uring_enter", errno, fn);
    return false;
  }
  if (r->sqEntries - Pending(r) < n) {
    // An older kernel refuses to submit while completions are backed up (EBUSY): reaping into
    // the completion ring's overflow first lets the submission through.
    rc = SysEnter(r->fd, Pending(r), 0, IORING_ENTER_GETEVENTS, nullptr, 0);
    if (rc < 0 && errno != EINTR && errno != EAGAIN && errno != EBUSY) {
      ThrowErrno(env, "io_uring_enter", errno, fn);
      return false;
    }
  }
  if (r->sqEntries - Pending(r) < n) {
    ThrowErrno(env, "io_uring_enter", EBUSY, "the submission queue stays full");
    return false;
  }
  return true;
}

// The next free SQE, zeroed; call MakeRoom first.
io_uring_sqe* NextSqe(Ring* r) {
  io_uring_sqe* sqe = &r->sqes[r->sqLocalTail & r->sqMask];
  std::memset(sqe, 0, sizeof *sqe);
  r->sqLocalTail++;
  return sqe;
}

bool ArgUserData(const Napi::CallbackInfo& info, size_t i, const char* fn, uint64_t* out) {
  uint32_t lo, hi;
  if (!ArgUint32(info, i, fn, "userLow", &lo) || !ArgUint32(info, i + 1, fn, "userHigh", &hi)) return false;
  *out = (static_cast<uint64_t>(hi) << 32) | lo;
  return true;
}

// uringSetup(entries) -> ring fd. DEFER_TASKRUN (6.1) runs completion work only inside our own
// io_uring_enter, so the kernel does not interrupt the loop to post completions; a kernel without
// it gets a plain ring. EXT_ARG (5.11) is required: it is how a wait gets a timeout.
Napi::Value UringSetup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t entries;
  if (!ArgInt(info, 0, "uringSetup", "entries", &entries)) return env.Undefined();
  if (entries < 1 || entries > 32768) return ThrowRange(env, "uringSetup", "entries must be 1..32768");

  io_uring_params p{};
  const unsigned cqEntries = 4 * static_cast<unsigned>(entries);
  p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  p.cq_entries = cqEntries;
  int fd = SysSetup(static_cast<unsigned>(entries), &p);
  if (fd < 0 && errno == EINVAL) {
    p = io_uring_params{};
    p.flags = IORING_SETUP_CQSIZE;
    p.cq_entries = cqEntries;
    fd = SysSetup(static_cast<unsigned>(entries), &p);
  }
  if (fd < 0) return ThrowErrno(env, "io_uring_setup", errno);
  if ((p.features & IORING_FEAT_EXT_ARG) == 0) {
    close(fd);
    return ThrowErrno(env, "io_uring_setup", ENOSYS, "the kernel lacks IORING_FEAT_EXT_ARG (Linux 5.11)");
  }

  Ring* r = new Ring();
  r->fd = fd;
  r->sqEntries = p.sq_entries;
  r->cqEntries = p.cq_entries;
  r->sqMapBytes = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  r->cqMapBytes = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
  const bool single = (p.features & IORING_FEAT_SINGLE_MMAP) != 0;
  if (single && r->cqMapBytes > r->sqMapBytes) r->sqMapBytes = r->cqMapBytes;
  auto fail = [&](const char* what) {
    int err = errno;
    Unmap(r);
    close(fd);
    delete r;
    return ThrowErrno(env, "mmap", err, what);
  };
  r->sqMap = mmap(nullptr, r->sqMapBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
  if (r->sqMap == MAP_FAILED) {
    r->sqMap = nullptr;
    return fail("the submission ring");
  }
  if (single) {
    r->cqMap = r->sqMap;
  } else {
    r->cqMap = mmap(nullptr, r->cqMapBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
    if (r->cqMap == MAP_FAILED) {
      r->cqMap = nullptr;
      return fail("the completion ring");
    }
  }
  r->sqesBytes = p.sq_entries * sizeof(io_uring_sqe);
  r->sqes = static_cast<io_uring_sqe*>(mmap(nullptr, r->sqesBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES));
  if (r->sqes == MAP_FAILED) {
    r->sqes = nullptr;
    return fail("the submission entries");
  }
  auto* sq = static_cast<uint8_t*>(r->sqMap);
  auto* cq = static_cast<uint8_t*>(r->cqMap);
  r->sqHead = reinterpret_cast<unsigned*>(sq + p.sq_off.head);
  r->sqTail = reinterpret_cast<unsigned*>(sq + p.sq_off.tail);
  r->sqMask = *reinterpret_cast<unsigned*>(sq + p.sq_off.ring_mask);
  r->sqLocalTail = *r->sqTail;
  // Entry i of the SQ array names SQE i, once and for all.
  unsigned* array = reinterpret_cast<unsigned*>(sq + p.sq_off.array);
  for (unsigned i = 0; i < p.sq_entries; i++) array[i] = i;
  r->cqHead = reinterpret_cast<unsigned*>(cq + p.cq_off.head);
  r->cqTail = reinterpret_cast<unsigned*>(cq + p.cq_off.tail);
  r->cqMask = *reinterpret_cast<unsigned*>(cq + p.cq_off.ring_mask);
  r->cqes = reinterpret_cast<io_uring_cqe*>(cq + p.cq_off.cqes);
  g_rings[fd] = r;
  return Napi::Number::New(env, fd);
}

// uringRegisterBuffers(ring, pool, count, bufferBytes, group): pool (count * bufferBytes bytes)
// becomes provided-buffer group `group` (Linux 5.19): receives prepared with that group take a
// buffer from it, and report its id in the CQE's flags.
Napi::Value UringRegisterBuffers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Ring* r;
  void* poolData;
  size_t poolBytes;
  int32_t count, bufferBytes, group;
  if (!ArgRing(info, "uringRegisterBuffers", &r) ||
      !ArgTyped(env, info[1], napi_uint8_array, "uringRegisterBuffers", "pool", &poolData, &poolBytes) ||
      !ArgInt(info, 2, "uringRegisterBuffers", "count", &count) ||
      !ArgInt(info, 3, "uringRegisterBuffers", "bufferBytes", &bufferBytes) ||
      !ArgInt(info, 4, "uringRegisterBuffers", "group", &group)) {
    return env.Undefined();
  }
  if (count < 1 || count > 32768 || (count & (count - 1)) != 0) {
    return ThrowRange(env, "uringRegisterBuffers", "count must be a power of two up to 32768");
  }
  if (bufferBytes < 1 || static_cast<size_t>(count) * static_cast<size_t>(bufferBytes) > poolBytes) {
    return ThrowRange(env, "uringRegisterBuffers", "pool must hold count * bufferBytes bytes");
  }
  if (group < 0 || group > 0xffff) return ThrowRange(env, "uringRegisterBuffers", "group must be 0..65535");
  if (r->buffers.ring != nullptr) return ThrowRange(env, "uringRegisterBuffers", "this ring has its buffers already");

  BufferRing& b = r->buffers;
  b.ringBytes = static_cast<size_t>(count) * sizeof(io_uring_buf);
  void* mem = mmap(nullptr, b.ringBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return ThrowErrno(env, "mmap", errno, "the provided-buffer ring");
  b.ring = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(mem);
  reg.ring_entries = static_cast<unsigned>(count);
  reg.bgid = static_cast<uint16_t>(group);
  if (SysRegister(r->fd, IORING_REGISTER_PBUF_RING, &reg, 1) < 0) {
    int err = errno;
    munmap(mem, b.ringBytes);
    b.ring = nullptr;
    return ThrowErrno(env, "io_uring_register", err, "IORING_REGISTER_PBUF_RING, Linux 5.19");
  }
  b.entries = static_cast<unsigned>(count);
  b.pool = static_cast<uint8_t*>(poolData);
  b.bufferBytes = static_cast<unsigned>(bufferBytes);
  r->bufferGroup = static_cast<uint16_t>(group);
  for (int id = 0; id < count; id++) {
    io_uring_buf* buf = BufferAt(b.ring, b.tail & (b.entries - 1));
    buf->addr = reinterpret_cast<uint64_t>(b.pool + static_cast<size_t>(id) * b.bufferBytes);
    buf->len = b.bufferBytes;
    buf->bid = static_cast<uint16_t>(id);
    b.tail++;
  }
  __atomic_store_n(&b.ring->tail, b.tail, __ATOMIC_RELEASE);
  return env.Undefined();
}

// Reads uringPrepSend's and uringPrepSendThenRecv's arguments: the buffer's bytes to send.
bool ArgSendBytes(const Napi::CallbackInfo& info, const char* fn, uint8_t** bytes, size_t* count) {
  Napi::Env env = info.Env();
  void* data;
  size_t length, offset;
  if (!ArgTyped(env, info[2], napi_uint8_array, fn, "buf", &data, &length) || !ArgSize(info, 3, fn, "offset", &offset) ||
      !ArgSize(info, 4, fn, "length", count)) {
    return false;
  }
  if (offset > length || *count > length - offset || *count > 0xffffffffu) {
    ThrowRange(env, fn, "offset + length is beyond the buffer");
    return false;
  }
  *bytes = static_cast<uint8_t*>(data) + offset;
  return true;
}

void FillSend(io_uring_sqe* sqe, int fd, uint8_t* bytes, size_t count, int msgFlags, uint64_t ud) {
  sqe->opcode = IORING_OP_SEND;
  sqe->fd = fd;
  sqe->addr = reinterpret_cast<uint64_t>(bytes);
  sqe->len = static_cast<uint32_t>(count);
  sqe->msg_flags = MSG_NOSIGNAL | msgFlags;
  sqe->user_data = ud;
}

void FillRecv(Ring* r, io_uring_sqe* sqe, int fd, uint64_t ud) {
  sqe->opcode = IORING_OP_RECV;
  sqe->fd = fd;
  sqe->flags = IOSQE_BUFFER_SELECT;
  sqe->buf_group = r->bufferGroup;
  sqe->user_data = ud;
}

// uringPrepAccept(ring, listenFd, userLow, userHigh): multishot accept (5.19): one SQE, a CQE per
// accepted connection (its fd, close-on-exec) for as long as the CQE's flags carry IORING_CQE_F_MORE.
Napi::Value UringPrepAccept(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Ring* r;
  int32_t listenFd;
  uint64_t ud;
  if (!ArgRing(info, "uringPrepAccept", &r) || !ArgInt(info, 1, "uringPrepAccept", "listenFd", &listenFd) ||
      !ArgUserData(info, 2, "uringPrepAccept", &ud)) {
    return env.Undefined();
  }
  if (!MakeRoom(env, r, 1, "uringPrepAccept")) return env.Undefined();
  io_uring_sqe* sqe = NextSqe(r);
  sqe->opcode = IORING_OP_ACCEPT;
  sqe->fd = listenFd;
  sqe->ioprio = IORING_ACCEPT_MULTISHOT;
  sqe->accept_flags = SOCK_CLOEXEC;
  sqe->user_data = ud;
  return env.Undefined();
}

// uringPrepRecv(ring, fd, userLow, userHigh): one receive into a buffer the kernel picks from the
// ring's provided buffers when bytes arrive.
Napi::Value UringPrepRecv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Ring* r;
  int32_t fd;
  uint64_t ud;
  if (!ArgRing(info, "uringPrepRecv", &r) || !ArgInt(info, 1, "uringPrepRecv", "fd", &fd) ||
      !ArgUserData(info, 2, "uringPrepRecv", &ud)) {
    return env.Undefined();
  }
  if (r->buffers.ring == nullptr) return ThrowRange(env, "uringPrepRecv", "register the ring's buffers first");
  if (!MakeRoom(env, r, 1, "uringPrepRecv")) return env.Undefined();
  FillRecv(r, NextSqe(r), fd, ud);
  return env.Undefined();
}

// uringPrepSend(ring, fd, buf, offset, length, userLow, userHigh): send(MSG_NOSIGNAL) of
// buf[offset, offset+length). The kernel reads buf until the CQE arrives: the caller keeps it alive.
Napi::Value UringPrepSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Ring* r;
  int32_t fd;
  uint8_t* bytes;
  size_t count;
  uint64_t ud;
  if (!ArgRing(info, "uringPrepSend", &r) || !ArgInt(info, 1, "uringPrepSend", "fd", &fd) ||
      !ArgSendBytes(info, "uringPrepSend", &bytes, &count) || !ArgUserData(info, 5, "uringPrepSend", &ud)) {
    return env.Undefined();
  }
  if (!MakeRoom(env, r, 1, "uringPrepSend")) return env.Undefined();
  FillSend(NextSqe(r), fd, bytes, count, 0, ud);
  return env.Undefined();
}

// uringPrepSendThenRecv(ring, fd, buf, offset, length, userLow, sendHigh, recvHigh): the send with
// MSG_WAITALL (the kernel itself continues a partial send, so the completion means all was sent or
// the send failed), linked to a receive that starts only once it has completed: the next request
// is read in the same turn as the response is sent, and never while output is still queued. A
// failed send cancels the receive (-ECANCELED).
Napi::Value UringPrepSendThenRecv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Ring* r;
  int32_t fd;
  uint8_t* bytes;
  size_t count;
  uint64_t sendUd, recvUd;
  uint32_t recvHigh;
  if (!ArgRing(info, "uringPrepSendThenRecv", &r) || !ArgInt(info, 1, "uringPrepSendThenRecv", "fd", &fd) ||
      !ArgSendBytes(info, "uringPrepSendThenRecv", &bytes, &count) || !ArgUserData(info, 5, "uringPrepSendThenRecv", &sendUd) ||
      !ArgUint32(info, 7, "uringPrepSendThenRecv", "recvHigh", &recvHigh)) {
    return env.Undefined();
  }
  if (r->buffers.ring == nullptr) return ThrowRange(env, "uringPrepSendThenRecv", "register the ring's buffers first");
  recvUd = (static_cast<uint64_t>(recvHigh) << 32) | (sendUd & 0xffffffffu);
  // The two must land in one submission: a link does not reach across two.
  if (!MakeRoom(env, r, 2, "uringPrepSendThenRecv")) return env.Undefined();
  io_uring_sqe* send = NextSqe(r);
  FillSend(send, fd, bytes, count, MSG_WAITALL, sendUd);
  send->flags = IOSQE_IO_LINK;
  FillRecv(r, NextSqe(r), fd, recvUd);
  return env.Undefined();
}

// uringPrepClose(ring, fd, userLow, userHigh): cancels every operation still pending on fd (5.19),
// then closes it, as a hard link: the close runs after the cancel whatever the cancel found. A
// plain close(2) would not do: a pending receive holds a reference to the socket, which would stay
// open, FIN unsent, until bytes arrived. The cancel's CQE carries userHigh 0; the close's, the
// caller's user data.
Napi::Value UringPrepClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Ring* r;
  int32_t fd;
  uint64_t ud;
  if (!ArgRing(info, "uringPrepClose", &r) || !ArgInt(info, 1, "uringPrepClose", "fd", &fd) ||
      !ArgUserData(info, 2, "uringPrepClose", &ud)) {
    return env.Undefined();
  }
  if (!MakeRoom(env, r, 2, "uringPrepClose")) return env.Undefined();
  io_uring_sqe* cancel = NextSqe(r);
  cancel->opcode = IORING_OP_ASYNC_CANCEL;
  cancel->fd = fd;
  cancel->cancel_flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
  cancel->flags = IOSQE_IO_HARDLINK;
  cancel->user_data = ud & 0xffffffffu;
  io_uring_sqe* closing = NextSqe(r);
  closing->opcode = IORING_OP_CLOSE;
  closing->fd = fd;
  closing->user_data = ud;
  return env.Undefined();
}

// uringSubmitAndWait(ring, out, recycled, recycledCount, timeoutMs) -> completions copied, or -EINTR.
// First hands the buffers JS has read back to the provided-buffer ring; then one io_uring_enter
// submits what is prepared and, unless completions are already waiting, waits up to timeoutMs for
// the first. Every completion that fits goes into out as [userLow, userHigh, result, flags].
Napi::Value UringSubmitAndWait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Ring* r;
  void *outData, *recycledData;
  size_t outLength, recycledLength;
  int32_t recycledCount, timeoutMs;
  if (!ArgRing(info, "uringSubmitAndWait", &r) ||
      !ArgTyped(env, info[1], napi_int32_array, "uringSubmitAndWait", "out", &outData, &outLength) ||
      !ArgTyped(env, info[2], napi_uint16_array, "uringSubmitAndWait", "recycled", &recycledData, &recycledLength) ||
      !ArgInt(info, 3, "uringSubmitAndWait", "recycledCount", &recycledCount) ||
      !ArgInt(info, 4, "uringSubmitAndWait", "timeoutMs", &timeoutMs)) {
    return env.Undefined();
  }
  if (recycledCount < 0 || static_cast<size_t>(recycledCount) > recycledLength) {
    return ThrowRange(env, "uringSubmitAndWait", "recycledCount is beyond recycled");
  }
  if (outLength < 4) return ThrowRange(env, "uringSubmitAndWait", "out must hold at least one completion");

  BufferRing& b = r->buffers;
  if (recycledCount > 0) {
    if (b.ring == nullptr) return ThrowRange(env, "uringSubmitAndWait", "the ring has no buffers to recycle");
    const uint16_t* ids = static_cast<const uint16_t*>(recycledData);
    for (int32_t i = 0; i < recycledCount; i++) {
      if (ids[i] >= b.entries) return ThrowRange(env, "uringSubmitAndWait", "a recycled buffer id is out of range");
      io_uring_buf* buf = BufferAt(b.ring, b.tail & (b.entries - 1));
      buf->addr = reinterpret_cast<uint64_t>(b.pool + static_cast<size_t>(ids[i]) * b.bufferBytes);
      buf->len = b.bufferBytes;
      buf->bid = ids[i];
      b.tail++;
    }
    __atomic_store_n(&b.ring->tail, b.tail, __ATOMIC_RELEASE);
  }

  const unsigned submit = Pending(r);
  const bool ready = __atomic_load_n(r->cqTail, __ATOMIC_ACQUIRE) != *r->cqHead;
  if (submit > 0 || !ready) {
    PublishTail(r);
    __kernel_timespec ts{};
    ts.tv_sec = timeoutMs / 1000;
    ts.tv_nsec = static_cast<long long>(timeoutMs % 1000) * 1000000LL;
    io_uring_getevents_arg arg{};
    arg.ts = reinterpret_cast<uint64_t>(&ts);
    int rc = SysEnter(r->fd, submit, ready ? 0 : 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, sizeof arg);
    // ETIME: the wait timed out; EBUSY/EAGAIN: completions are backed up, reap them. EINTR: a
    // signal, which the caller checks for, but what was submitted is in flight: reap first.
    if (rc < 0 && errno != ETIME && errno != EBUSY && errno != EAGAIN && errno != EINTR) {
      return ThrowErrno(env, "io_uring_enter", errno);
    }
  }

  int32_t* out = static_cast<int32_t*>(outData);
  const size_t capacity = outLength / 4;
  unsigned head = *r->cqHead;
  const unsigned tail = __atomic_load_n(r->cqTail, __ATOMIC_ACQUIRE);
  size_t n = 0;
  for (; head != tail && n < capacity; head++, n++) {
    const io_uring_cqe* cqe = &r->cqes[head & r->cqMask];
    out[4 * n] = static_cast<int32_t>(cqe->user_data & 0xffffffffu);
    out[4 * n + 1] = static_cast<int32_t>(cqe->user_data >> 32);
    out[4 * n + 2] = cqe->res;
    out[4 * n + 3] = static_cast<int32_t>(cqe->flags);
  }
  __atomic_store_n(r->cqHead, head, __ATOMIC_RELEASE);
  return Napi::Number::New(env, static_cast<double>(n));
}

// uringClose(ring): closes the ring (the kernel cancels what is still pending) and unmaps it.
Napi::Value UringClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Ring* r;
  if (!ArgRing(info, "uringClose", &r)) return env.Undefined();
  g_rings.erase(r->fd);
  Unmap(r);
  int rc = close(r->fd);
  int err = errno;
  delete r;
  return VoidResult(env, "close", rc, err);
}

Napi::Value ErrnoNameOf(const Napi::CallbackInfo& info) {
  int32_t err;
  if (!ArgInt(info, 0, "errnoName", "errno", &err)) return info.Env().Undefined();
  const char* name = ErrnoName(err < 0 ? -err : err);
  return name == nullptr ? info.Env().Null() : Napi::String::New(info.Env(), name);
}

}  // namespace

void InitUring(Napi::Env env, Napi::Object exports) {
  exports.Set("uringSetup", Napi::Function::New<UringSetup>(env, "uringSetup"));
  exports.Set("uringRegisterBuffers", Napi::Function::New<UringRegisterBuffers>(env, "uringRegisterBuffers"));
  exports.Set("uringPrepAccept", Napi::Function::New<UringPrepAccept>(env, "uringPrepAccept"));
  exports.Set("uringPrepRecv", Napi::Function::New<UringPrepRecv>(env, "uringPrepRecv"));
  exports.Set("uringPrepSend", Napi::Function::New<UringPrepSend>(env, "uringPrepSend"));
  exports.Set("uringPrepSendThenRecv", Napi::Function::New<UringPrepSendThenRecv>(env, "uringPrepSendThenRecv"));
  exports.Set("uringPrepClose", Napi::Function::New<UringPrepClose>(env, "uringPrepClose"));
  exports.Set("uringSubmitAndWait", Napi::Function::New<UringSubmitAndWait>(env, "uringSubmitAndWait"));
  exports.Set("uringClose", Napi::Function::New<UringClose>(env, "uringClose"));
  exports.Set("errnoName", Napi::Function::New<ErrnoNameOf>(env, "errnoName"));
}

}  // namespace httplab
