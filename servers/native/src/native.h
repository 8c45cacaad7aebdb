// Shared helpers for the http_lab_native addon: argument checks and the result/error convention
// described in servers/native/index.ts. Built with NAPI_DISABLE_CPP_EXCEPTIONS, so every helper that
// fails has already thrown a pending JS exception and the caller just returns.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <sys/types.h>

namespace httplab {

// Symbolic name of an errno ("ECONNRESET"), or nullptr when it is not in the table.
const char* ErrnoName(int err);

// Throws Error("<syscall>: <strerror>") with code, errno (positive) and syscall; returns undefined.
Napi::Value ThrowErrno(Napi::Env env, const char* syscall, int err, const char* detail = nullptr);

Napi::Value ThrowType(Napi::Env env, const char* fn, const char* what);
Napi::Value ThrowRange(Napi::Env env, const char* fn, const char* what);

// Hot-path convention: rc >= 0 is returned as is; EAGAIN/EWOULDBLOCK and EINTR come back as the
// negative numbers -EAGAIN / -EINTR (a server loop meets them constantly, and throwing is slow);
// any other errno throws.
Napi::Value SysResult(Napi::Env env, const char* syscall, ssize_t rc, int err);

// For calls with nothing to return (bind, listen, ...): rc == 0 -> undefined, otherwise throw.
Napi::Value VoidResult(Napi::Env env, const char* syscall, int rc, int err);

// For calls returning an fd where EAGAIN/EINTR cannot happen (socket, epoll_create1): throw on -1.
Napi::Value FdResult(Napi::Env env, const char* syscall, int rc, int err);

// Argument readers. Each returns false after throwing a TypeError/RangeError.
bool ArgInt(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what, int32_t* out);
// Any JS number, converted ToUint32 (so `EPOLLIN | EPOLLET`, negative in JS int32 math, works).
bool ArgUint32(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what, uint32_t* out);
// A non-negative integer up to 2^53 (buffer offsets and lengths may exceed int32).
bool ArgSize(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what, size_t* out);
// A typed array of the given type; data already points at element 0 (byteOffset applied by N-API).
bool ArgTyped(Napi::Env env, napi_value v, napi_typedarray_type type, const char* fn, const char* what,
              void** data, size_t* length);

void InitConstants(Napi::Env env, Napi::Object exports);
void InitSockets(Napi::Env env, Napi::Object exports);
void InitEvents(Napi::Env env, Napi::Object exports);
void InitSignals(Napi::Env env, Napi::Object exports);
void InitUnix(Napi::Env env, Napi::Object exports);
void InitUring(Napi::Env env, Napi::Object exports);

}  // namespace httplab
