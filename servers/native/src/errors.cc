// The errno -> JS convention (see native.h) and argument validation shared by every binding.
#include "native.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

namespace httplab {

const char* ErrnoName(int err) {
  switch (err) {
#define E(name) \
  case name:    \
    return #name;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(EBADF) E(ECHILD) E(EAGAIN)
    E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR)
    E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY) E(ETXTBSY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS)
    E(EMLINK) E(EPIPE) E(EDOM) E(ERANGE) E(EDEADLK) E(ENAMETOOLONG) E(ENOSYS) E(ELOOP)
    E(EPROTO) E(EOVERFLOW) E(ENOTSOCK) E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT)
    E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(EOPNOTSUPP) E(EPFNOSUPPORT) E(EAFNOSUPPORT)
    E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETDOWN) E(ENETUNREACH) E(ENETRESET) E(ECONNABORTED)
    E(ECONNRESET) E(ENOBUFS) E(EISCONN) E(ENOTCONN) E(ESHUTDOWN) E(ETIMEDOUT) E(ECONNREFUSED)
    E(EHOSTDOWN) E(EHOSTUNREACH) E(EALREADY) E(EINPROGRESS) E(ECANCELED) E(ENONET)
#undef E
    default:
      return nullptr;
  }
}

// strerror is not thread-safe (workers call us too); strerror_r comes in a GNU flavour returning
// char* and an XSI flavour returning int. These overloads accept either.
static inline const char* StrerrorPick(const char* r, const char*) { return r; }
static inline const char* StrerrorPick(int r, const char* buf) { return r == 0 ? buf : "Unknown error"; }

Napi::Value ThrowErrno(Napi::Env env, const char* syscall, int err, const char* detail) {
  char buf[128];
  const char* text = StrerrorPick(strerror_r(err, buf, sizeof buf), buf);
  std::string message = std::string(syscall) + ": " + text;
  if (detail != nullptr) message += std::string(" (") + detail + ")";

  char fallback[24];
  const char* code = ErrnoName(err);
  if (code == nullptr) {
    std::snprintf(fallback, sizeof fallback, "E%d", err);
    code = fallback;
  }
  Napi::Error error = Napi::Error::New(env, message);
  Napi::Object obj = error.Value();
  obj.Set("code", Napi::String::New(env, code));
  obj.Set("errno", Napi::Number::New(env, err));
  obj.Set("syscall", Napi::String::New(env, syscall));
  error.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const char* fn, const char* what) {
  Napi::TypeError::New(env, std::string(fn) + ": " + what).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowRange(Napi::Env env, const char* fn, const char* what) {
  Napi::RangeError::New(env, std::string(fn) + ": " + what).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value SysResult(Napi::Env env, const char* syscall, ssize_t rc, int err) {
  if (rc >= 0) return Napi::Number::New(env, static_cast<double>(rc));
  if (err == EAGAIN || err == EWOULDBLOCK) return Napi::Number::New(env, -EAGAIN);
  if (err == EINTR) return Napi::Number::New(env, -EINTR);
  return ThrowErrno(env, syscall, err);
}

Napi::Value VoidResult(Napi::Env env, const char* syscall, int rc, int err) {
  if (rc == 0) return env.Undefined();
  return ThrowErrno(env, syscall, err);
}

Napi::Value FdResult(Napi::Env env, const char* syscall, int rc, int err) {
  if (rc >= 0) return Napi::Number::New(env, rc);
  return ThrowErrno(env, syscall, err);
}

// Reads info[i] as a finite number; undefined/strings/etc. are a TypeError, never a crash.
static bool ArgNumber(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what, double* out) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) {
    ThrowType(info.Env(), fn, (std::string(what) + " must be a number").c_str());
    return false;
  }
  *out = v.As<Napi::Number>().DoubleValue();
  return true;
}

bool ArgInt(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what, int32_t* out) {
  double d;
  if (!ArgNumber(info, i, fn, what, &d)) return false;
  if (!(d == std::trunc(d)) || d < INT32_MIN || d > INT32_MAX) {
    ThrowType(info.Env(), fn, (std::string(what) + " must be a 32-bit integer").c_str());
    return false;
  }
  *out = static_cast<int32_t>(d);
  return true;
}

bool ArgUint32(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what, uint32_t* out) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) {
    ThrowType(info.Env(), fn, (std::string(what) + " must be a number").c_str());
    return false;
  }
  *out = v.As<Napi::Number>().Uint32Value();
  return true;
}

bool ArgSize(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what, size_t* out) {
  double d;
  if (!ArgNumber(info, i, fn, what, &d)) return false;
  if (!(d == std::trunc(d)) || d < 0 || d > 9007199254740991.0) {
    ThrowRange(info.Env(), fn, (std::string(what) + " must be a non-negative integer").c_str());
    return false;
  }
  *out = static_cast<size_t>(d);
  return true;
}

bool ArgTyped(Napi::Env env, napi_value v, napi_typedarray_type type, const char* fn, const char* what,
              void** data, size_t* length) {
  static const char* const kNames[] = {"Int8Array",    "Uint8Array",   "Uint8ClampedArray", "Int16Array",
                                       "Uint16Array",  "Int32Array",   "Uint32Array",       "Float32Array",
                                       "Float64Array", "BigInt64Array", "BigUint64Array"};
  bool is = false;
  napi_typedarray_type actual;
  if (v != nullptr && napi_is_typedarray(env, v, &is) == napi_ok && is &&
      napi_get_typedarray_info(env, v, &actual, length, data, nullptr, nullptr) == napi_ok &&
      (actual == type || (type == napi_uint8_array && actual == napi_uint8_clamped_array))) {
    // N-API already adds the view's byteOffset: *data is element 0 of this view (Buffer pool
    // slices and subarray() work), so it must not be added again.
    return true;
  }
  ThrowType(env, fn, (std::string(what) + " must be a " + kNames[type]).c_str());
  return false;
}

}  // namespace httplab
