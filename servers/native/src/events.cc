// Readiness: poll(2) and epoll(7). Both fill caller-owned typed arrays so a server loop allocates
// nothing per wait.
#include "native.h"

#include <poll.h>
#include <sys/epoll.h>

#include <cerrno>
#include <vector>

namespace httplab {
namespace {

// epoll_wait's event array is on the stack; a bigger maxEvents is clamped, which is harmless because
// ready events that were not returned stay queued for the next call (edge-triggered ones too).
constexpr int kMaxEpollEvents = 256;

Napi::Value Poll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void *fdsData, *eventsData, *reventsData;
  size_t nfds, nevents, nrevents;
  int32_t timeout;
  if (!ArgTyped(env, info[0], napi_int32_array, "poll", "fds", &fdsData, &nfds) ||
      !ArgTyped(env, info[1], napi_int16_array, "poll", "events", &eventsData, &nevents) ||
      !ArgTyped(env, info[2], napi_int16_array, "poll", "revents", &reventsData, &nrevents) ||
      !ArgInt(info, 3, "poll", "timeoutMs", &timeout)) {
    return env.Undefined();
  }
  if (nevents != nfds || nrevents != nfds) {
    return ThrowRange(env, "poll", "fds, events and revents must have the same length");
  }
  const int32_t* fds = static_cast<const int32_t*>(fdsData);
  const int16_t* events = static_cast<const int16_t*>(eventsData);
  int16_t* revents = static_cast<int16_t*>(reventsData);

  // struct pollfd interleaves fields, so it cannot alias the three arrays; keep one growing
  // per-thread scratch vector instead of allocating on every call (workers each get their own).
  static thread_local std::vector<pollfd> scratch;
  if (scratch.size() < nfds) scratch.resize(nfds);
  for (size_t i = 0; i < nfds; i++) {
    scratch[i].fd = fds[i];
    scratch[i].events = events[i];
    scratch[i].revents = 0;
  }
  int n = ::poll(scratch.data(), static_cast<nfds_t>(nfds), timeout);
  int err = errno;
  if (n >= 0) {
    for (size_t i = 0; i < nfds; i++) revents[i] = scratch[i].revents;
  }
  return SysResult(env, "poll", n, err);
}

Napi::Value EpollCreate1(const Napi::CallbackInfo& info) {
  int32_t flags;
  if (!ArgInt(info, 0, "epollCreate1", "flags", &flags)) return info.Env().Undefined();
  int fd = ::epoll_create1(flags);
  return FdResult(info.Env(), "epoll_create1", fd, errno);
}

Napi::Value EpollCtl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t epfd, op, fd;
  uint32_t events;
  if (!ArgInt(info, 0, "epollCtl", "epfd", &epfd) || !ArgInt(info, 1, "epollCtl", "op", &op) ||
      !ArgInt(info, 2, "epollCtl", "fd", &fd) || !ArgUint32(info, 3, "epollCtl", "events", &events)) {
    return env.Undefined();
  }
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;  // epollWait reports this fd back; servers key their connection table by fd.
  // A non-null event is passed even for EPOLL_CTL_DEL (kernels before 2.6.9 required it).
  int rc = ::epoll_ctl(epfd, op, fd, &ev);
  return VoidResult(env, "epoll_ctl", rc, errno);
}

Napi::Value EpollWait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t epfd, maxEvents, timeout;
  void* outData;
  size_t outLength;
  if (!ArgInt(info, 0, "epollWait", "epfd", &epfd) ||
      !ArgTyped(env, info[1], napi_uint32_array, "epollWait", "out", &outData, &outLength) ||
      !ArgInt(info, 2, "epollWait", "maxEvents", &maxEvents) ||
      !ArgInt(info, 3, "epollWait", "timeoutMs", &timeout)) {
    return env.Undefined();
  }
  if (maxEvents < 1) return ThrowRange(env, "epollWait", "maxEvents must be at least 1");
  if (outLength < 2 * static_cast<size_t>(maxEvents)) {
    return ThrowRange(env, "epollWait", "out must hold 2 * maxEvents entries");
  }
  if (maxEvents > kMaxEpollEvents) maxEvents = kMaxEpollEvents;

  epoll_event events[kMaxEpollEvents];
  int n = ::epoll_wait(epfd, events, maxEvents, timeout);
  int err = errno;
  uint32_t* out = static_cast<uint32_t*>(outData);
  for (int i = 0; i < n; i++) {
    out[2 * i] = static_cast<uint32_t>(events[i].data.fd);
    out[2 * i + 1] = events[i].events;
  }
  return SysResult(env, "epoll_wait", n, err);
}

}  // namespace

void InitEvents(Napi::Env env, Napi::Object exports) {
  exports.Set("poll", Napi::Function::New<Poll>(env, "poll"));
  exports.Set("epollCreate1", Napi::Function::New<EpollCreate1>(env, "epollCreate1"));
  exports.Set("epollCtl", Napi::Function::New<EpollCtl>(env, "epollCtl"));
  exports.Set("epollWait", Napi::Function::New<EpollWait>(env, "epollWait"));
}

}  // namespace httplab
