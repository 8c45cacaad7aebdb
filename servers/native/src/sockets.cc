// Socket syscalls. recv/send are the hot path of every server: no heap allocation, one syscall.
#include "native.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace httplab {
namespace {

// writev's iovec array lives on the stack; more buffers than this are left for the next call, which
// the caller already handles because any writev may be partial.
constexpr size_t kMaxIov = 64;

Napi::Value Socket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t domain, flags;
  if (!ArgInt(info, 0, "socket", "domain", &domain) || !ArgInt(info, 1, "socket", "flags", &flags)) {
    return env.Undefined();
  }
  int fd = ::socket(domain, SOCK_STREAM | flags, 0);
  return FdResult(env, "socket", fd, errno);
}

Napi::Value Bind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd, port;
  if (!ArgInt(info, 0, "bind", "fd", &fd)) return env.Undefined();
  if (!info[1].IsString()) return ThrowType(env, "bind", "address must be a string");
  if (!ArgInt(info, 2, "bind", "port", &port)) return env.Undefined();
  if (port < 0 || port > 65535) return ThrowRange(env, "bind", "port must be in 0..65535");

  std::string address = info[1].As<Napi::String>().Utf8Value();
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof ss);
  socklen_t len;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v6;
  } else {
    std::string detail = "not an IPv4 or IPv6 literal: '" + address + "'";
    return ThrowErrno(env, "bind", EINVAL, detail.c_str());
  }
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&ss), len);
  return VoidResult(env, "bind", rc, errno);
}

Napi::Value Listen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd, backlog;
  if (!ArgInt(info, 0, "listen", "fd", &fd) || !ArgInt(info, 1, "listen", "backlog", &backlog)) {
    return env.Undefined();
  }
  int rc = ::listen(fd, backlog);
  return VoidResult(env, "listen", rc, errno);
}

Napi::Value Accept4(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd, flags;
  if (!ArgInt(info, 0, "accept4", "fd", &fd) || !ArgInt(info, 1, "accept4", "flags", &flags)) {
    return env.Undefined();
  }
  int rc = ::accept4(fd, nullptr, nullptr, flags);
  return SysResult(env, "accept4", rc, errno);
}

// Reads fd, buf, offset, length and checks that [offset, offset+length) lies inside buf.
bool BufferArgs(const Napi::CallbackInfo& info, const char* fn, int32_t* fd, uint8_t** base, size_t* length) {
  void* data;
  size_t size, offset, len;
  if (!ArgInt(info, 0, fn, "fd", fd)) return false;
  if (!ArgTyped(info.Env(), info[1], napi_uint8_array, fn, "buf", &data, &size)) return false;
  if (!ArgSize(info, 2, fn, "offset", &offset) || !ArgSize(info, 3, fn, "length", &len)) return false;
  if (offset > size || len > size - offset) {
    ThrowRange(info.Env(), fn, "offset + length is outside the buffer");
    return false;
  }
  *base = static_cast<uint8_t*>(data) + offset;
  *length = len;
  return true;
}

Napi::Value Recv(const Napi::CallbackInfo& info) {
  int32_t fd;
  uint8_t* base;
  size_t length;
  if (!BufferArgs(info, "recv", &fd, &base, &length)) return info.Env().Undefined();
  ssize_t n = ::recv(fd, base, length, 0);
  return SysResult(info.Env(), "recv", n, errno);
}

Napi::Value Send(const Napi::CallbackInfo& info) {
  int32_t fd;
  uint8_t* base;
  size_t length;
  if (!BufferArgs(info, "send", &fd, &base, &length)) return info.Env().Undefined();
  // MSG_NOSIGNAL: a peer that went away yields EPIPE instead of a process-killing SIGPIPE.
  ssize_t n = ::send(fd, base, length, MSG_NOSIGNAL);
  return SysResult(info.Env(), "send", n, errno);
}

Napi::Value Writev(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd;
  if (!ArgInt(info, 0, "writev", "fd", &fd)) return env.Undefined();
  if (!info[1].IsArray()) return ThrowType(env, "writev", "bufs must be an array of Uint8Array");
  Napi::Array bufs = info[1].As<Napi::Array>();
  uint32_t count = bufs.Length();
  if (count > kMaxIov) count = kMaxIov;

  iovec iov[kMaxIov];
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    if (napi_get_element(env, bufs, i, &item) != napi_ok) return env.Undefined();
    void* data;
    size_t size;
    if (!ArgTyped(env, item, napi_uint8_array, "writev", "every element of bufs", &data, &size)) {
      return env.Undefined();
    }
    iov[i].iov_base = data;
    iov[i].iov_len = size;
  }
  // writev(2) has no flags argument, so a dead peer would raise SIGPIPE; sendmsg takes MSG_NOSIGNAL.
  msghdr msg;
  std::memset(&msg, 0, sizeof msg);
  msg.msg_iov = iov;
  msg.msg_iovlen = count;
  ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
  // Not a socket (a pipe, a file): sendmsg cannot be used, plain writev can.
  if (n < 0 && errno == ENOTSOCK) n = ::writev(fd, iov, static_cast<int>(count));
  return SysResult(env, "writev", n, errno);
}

Napi::Value Shutdown(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd, how;
  if (!ArgInt(info, 0, "shutdown", "fd", &fd) || !ArgInt(info, 1, "shutdown", "how", &how)) {
    return env.Undefined();
  }
  int rc = ::shutdown(fd, how);
  return VoidResult(env, "shutdown", rc, errno);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd;
  if (!ArgInt(info, 0, "close", "fd", &fd)) return env.Undefined();
  int rc = ::close(fd);
  // On Linux the fd is released even when close reports EINTR; retrying could close an fd that
  // another thread has just been given, so EINTR counts as success.
  if (rc < 0 && errno == EINTR) return env.Undefined();
  return VoidResult(env, "close", rc, errno);
}

Napi::Value SetNonBlocking(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd;
  if (!ArgInt(info, 0, "setNonBlocking", "fd", &fd)) return env.Undefined();
  if (!info[1].IsBoolean()) return ThrowType(env, "setNonBlocking", "on must be a boolean");
  bool on = info[1].As<Napi::Boolean>().Value();
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return ThrowErrno(env, "fcntl", errno);
  int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (wanted == flags) return env.Undefined();
  int rc = ::fcntl(fd, F_SETFL, wanted);
  return VoidResult(env, "fcntl", rc, errno);
}

Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd, level, name, value;
  if (!ArgInt(info, 0, "setsockopt", "fd", &fd) || !ArgInt(info, 1, "setsockopt", "level", &level) ||
      !ArgInt(info, 2, "setsockopt", "name", &name) || !ArgInt(info, 3, "setsockopt", "value", &value)) {
    return env.Undefined();
  }
  int v = value;
  int rc = ::setsockopt(fd, level, name, &v, sizeof v);
  return VoidResult(env, "setsockopt", rc, errno);
}

// SO_RCVTIMEO / SO_SNDTIMEO take a struct timeval, which setsockopt(int) cannot pass. A blocking
// recv or send that waits longer then fails with EAGAIN: the blocking servers' idle timeout.
Napi::Value SetTimeouts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd, recv_ms, send_ms;
  if (!ArgInt(info, 0, "setTimeouts", "fd", &fd) || !ArgInt(info, 1, "setTimeouts", "recvMs", &recv_ms) ||
      !ArgInt(info, 2, "setTimeouts", "sendMs", &send_ms)) {
    return env.Undefined();
  }
  if (recv_ms < 0 || send_ms < 0) {
    Napi::RangeError::New(env, "setTimeouts: timeouts must be >= 0 ms").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  timeval rcv{recv_ms / 1000, (recv_ms % 1000) * 1000};
  timeval snd{send_ms / 1000, (send_ms % 1000) * 1000};
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof rcv) < 0) return ThrowErrno(env, "setsockopt", errno);
  int rc = ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof snd);
  return VoidResult(env, "setsockopt", rc, errno);
}

// {address, port} for IPv4/IPv6 (IPv4-mapped IPv6 stays in ::ffff:a.b.c.d form, as in node:net).
Napi::Value AddressObject(Napi::Env env, const sockaddr_storage& ss) {
  char text[INET6_ADDRSTRLEN] = "";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    port = ntohs(a->sin6_port);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("address", Napi::String::New(env, text));
  out.Set("port", Napi::Number::New(env, port));
  return out;
}

template <int (*Fn)(int, sockaddr*, socklen_t*)>
Napi::Value SockName(const Napi::CallbackInfo& info, const char* name) {
  Napi::Env env = info.Env();
  int32_t fd;
  if (!ArgInt(info, 0, name, "fd", &fd)) return env.Undefined();
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof ss);
  socklen_t len = sizeof ss;
  if (Fn(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return ThrowErrno(env, name, errno);
  return AddressObject(env, ss);
}

Napi::Value GetSockName(const Napi::CallbackInfo& info) { return SockName<::getsockname>(info, "getsockname"); }
Napi::Value GetPeerName(const Napi::CallbackInfo& info) { return SockName<::getpeername>(info, "getpeername"); }

}  // namespace

void InitSockets(Napi::Env env, Napi::Object exports) {
  exports.Set("socket", Napi::Function::New<Socket>(env, "socket"));
  exports.Set("bind", Napi::Function::New<Bind>(env, "bind"));
  exports.Set("listen", Napi::Function::New<Listen>(env, "listen"));
  exports.Set("accept4", Napi::Function::New<Accept4>(env, "accept4"));
  exports.Set("recv", Napi::Function::New<Recv>(env, "recv"));
  exports.Set("send", Napi::Function::New<Send>(env, "send"));
  exports.Set("writev", Napi::Function::New<Writev>(env, "writev"));
  exports.Set("shutdown", Napi::Function::New<Shutdown>(env, "shutdown"));
  exports.Set("close", Napi::Function::New<Close>(env, "close"));
  exports.Set("setNonBlocking", Napi::Function::New<SetNonBlocking>(env, "setNonBlocking"));
  exports.Set("setsockopt", Napi::Function::New<SetSockOpt>(env, "setsockopt"));
  exports.Set("setTimeouts", Napi::Function::New<SetTimeouts>(env, "setTimeouts"));
  exports.Set("getsockname", Napi::Function::New<GetSockName>(env, "getsockname"));
  exports.Set("getpeername", Napi::Function::New<GetPeerName>(env, "getpeername"));
}

}  // namespace httplab
