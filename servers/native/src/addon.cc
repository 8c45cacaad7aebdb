// Entry point of http_lab_native. NODE_API_MODULE makes the addon context-aware, so it loads in
// worker_threads too; it keeps no JS state between calls.
#include "native.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <linux/io_uring.h>

#include <cerrno>
#include <cstdint>

namespace httplab {

void InitConstants(Napi::Env env, Napi::Object exports) {
  Napi::Object c = Napi::Object::New(env);
  // Through uint32_t: EPOLLET is 1u << 31 and would otherwise turn into a negative int.
  auto set = [&](const char* name, uint32_t value) { c.Set(name, Napi::Number::New(env, value)); };
  set("EAGAIN", EAGAIN);
  set("EINTR", EINTR);
  set("AF_INET", AF_INET);
  set("AF_INET6", AF_INET6);
  set("SOCK_STREAM", SOCK_STREAM);
  set("SOCK_NONBLOCK", SOCK_NONBLOCK);
  set("SOCK_CLOEXEC", SOCK_CLOEXEC);
  set("SOL_SOCKET", SOL_SOCKET);
  set("SO_REUSEADDR", SO_REUSEADDR);
  set("SO_RCVBUF", SO_RCVBUF);
  set("SO_SNDBUF", SO_SNDBUF);
  set("IPPROTO_TCP", IPPROTO_TCP);
  set("TCP_NODELAY", TCP_NODELAY);
  set("SHUT_RD", SHUT_RD);
  set("SHUT_WR", SHUT_WR);
  set("SHUT_RDWR", SHUT_RDWR);
  set("POLLIN", POLLIN);
  set("POLLOUT", POLLOUT);
  set("POLLERR", POLLERR);
  set("POLLHUP", POLLHUP);
  set("POLLNVAL", POLLNVAL);
  set("EPOLLIN", static_cast<uint32_t>(EPOLLIN));
  set("EPOLLOUT", static_cast<uint32_t>(EPOLLOUT));
  set("EPOLLERR", static_cast<uint32_t>(EPOLLERR));
  set("EPOLLHUP", static_cast<uint32_t>(EPOLLHUP));
  set("EPOLLRDHUP", static_cast<uint32_t>(EPOLLRDHUP));
  set("EPOLLET", static_cast<uint32_t>(EPOLLET));
  set("EPOLL_CTL_ADD", EPOLL_CTL_ADD);
  set("EPOLL_CTL_MOD", EPOLL_CTL_MOD);
  set("EPOLL_CTL_DEL", EPOLL_CTL_DEL);
  set("EPOLL_CLOEXEC", EPOLL_CLOEXEC);
  set("SIGINT", SIGINT);
  set("SIGTERM", SIGTERM);
  set("ECONNABORTED", ECONNABORTED);
  set("ENOBUFS", ENOBUFS);
  set("ECANCELED", ECANCELED);
  set("IORING_CQE_F_BUFFER", IORING_CQE_F_BUFFER);
  set("IORING_CQE_F_MORE", IORING_CQE_F_MORE);
  set("IORING_CQE_BUFFER_SHIFT", IORING_CQE_BUFFER_SHIFT);
  c.Freeze();
  exports.Set("constants", c);
}

}  // namespace httplab

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  httplab::InitConstants(env, exports);
  httplab::InitSockets(env, exports);
  httplab::InitEvents(env, exports);
  httplab::InitSignals(env, exports);
  httplab::InitUnix(env, exports);
  httplab::InitUring(env, exports);
  return exports;
}

NODE_API_MODULE(http_lab_native, Init)
