// Handing an open descriptor to another process over an AF_UNIX socket (SCM_RIGHTS): the process
// server's parent accepts a connection and passes it to a child that is already running. unix(7):
// "Semantically, this operation is equivalent to duplicating (dup(2)) a file descriptor into the
// file descriptor table of another process." The sender may close its own copy at once.
#include "native.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace httplab {
namespace {

// Control space for exactly one descriptor, aligned as the CMSG_* macros require.
union OneFdControl {
  char buf[CMSG_SPACE(sizeof(int))];
  cmsghdr align;
};

Napi::Value SocketPair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return ThrowErrno(env, "socketpair", errno);
  Napi::Array pair = Napi::Array::New(env, 2);
  pair.Set(0u, Napi::Number::New(env, sv[0]));
  pair.Set(1u, Napi::Number::New(env, sv[1]));
  return pair;
}

Napi::Value SendFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t sock, fd;
  if (!ArgInt(info, 0, "sendFd", "sock", &sock) || !ArgInt(info, 1, "sendFd", "fd", &fd)) return env.Undefined();
  // unix(7): "To pass file descriptors or credentials over a SOCK_STREAM socket, you must send or
  // receive at least one byte of nonancillary data in the same sendmsg(2) or recvmsg(2) call."
  char byte = 0;
  iovec iov{&byte, 1};
  OneFdControl control;
  std::memset(&control, 0, sizeof control);
  msghdr msg;
  std::memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
  // MSG_NOSIGNAL: a receiver that has exited yields EPIPE instead of a process-killing SIGPIPE.
  ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
  return SysResult(env, "sendmsg", n, errno);
}

Napi::Value RecvFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t sock;
  if (!ArgInt(info, 0, "recvFd", "sock", &sock)) return env.Undefined();
  char byte;
  iovec iov{&byte, 1};
  OneFdControl control;
  msghdr msg;
  std::memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  // MSG_CMSG_CLOEXEC: the received descriptor must not leak into programs this process may start.
  ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) return SysResult(env, "recvmsg", n, errno);
  if (n == 0) return env.Null();  // EOF: the sender closed its end and nothing is queued

  int fd = -1;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  if (cmsg != nullptr && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS &&
      cmsg->cmsg_len == CMSG_LEN(sizeof(int))) {
    std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
  }
  // More descriptors than one did not fit: the kernel closed the rest and set MSG_CTRUNC.
  if (msg.msg_flags & MSG_CTRUNC) {
    if (fd >= 0) ::close(fd);
    return ThrowErrno(env, "recvmsg", EPROTO, "more than one file descriptor in the message");
  }
  if (fd < 0) return ThrowErrno(env, "recvmsg", EPROTO, "the message carried no file descriptor");
  return Napi::Number::New(env, fd);
}

}  // namespace

void InitUnix(Napi::Env env, Napi::Object exports) {
  exports.Set("socketpair", Napi::Function::New<SocketPair>(env, "socketpair"));
  exports.Set("sendFd", Napi::Function::New<SendFd>(env, "sendFd"));
  exports.Set("recvFd", Napi::Function::New<RecvFd>(env, "recvFd"));
}

}  // namespace httplab
