// Stop signals for servers whose main thread sits in a blocking accept/recv/poll/epoll_wait.
//
// While the main thread is blocked in a syscall, process.on('SIGINT') never runs, and libuv's
// handler is installed with SA_RESTART, so the kernel silently restarts the call. Here a minimal
// handler is installed WITHOUT SA_RESTART: the blocked call fails with EINTR (returned to JS as
// -EINTR) and JS reads stopSignal(). The kernel may deliver a process-directed signal to any thread
// (a worker, a libuv/V8 pool thread), so the handler forwards it to the installing thread.
// Note: a later process.on('SIGINT'/'SIGTERM') lets libuv replace these handlers.
#include "native.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace httplab {
namespace {

// Process-wide by nature (signal dispositions are per process). The stop signal is a
// volatile sig_atomic_t, the classic async-signal-safe flag; the target thread is read by handlers
// running on other threads, so it is a lock-free atomic (async-signal-safe and race-free).
volatile sig_atomic_t g_stop_signal = 0;
std::atomic<bool> g_have_target{false};
std::atomic<pthread_t> g_target_thread{};
static_assert(std::atomic<pthread_t>::is_always_lock_free, "handler needs a lock-free pthread_t");

// Async-signal-safe only: sig_atomic_t store, lock-free atomic loads, pthread_self/_equal/_kill.
void OnStopSignal(int sig) {
  int saved = errno;  // the interrupted code may be about to read errno
  g_stop_signal = sig;
  // Forward only from other threads: on the target thread this call already interrupts the
  // blocked syscall, and forwarding to ourselves would loop forever.
  if (g_have_target.load()) {
    pthread_t target = g_target_thread.load();
    if (!pthread_equal(pthread_self(), target)) pthread_kill(target, sig);
  }
  errno = saved;
}

Napi::Value InstallStopSignals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // The last thread to call this is the one whose blocked calls get interrupted. Call it from the
  // main thread (or a thread that outlives the server): forwarding to an exited thread is undefined.
  g_target_thread.store(pthread_self());
  g_have_target.store(true);

  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sa.sa_flags = 0;  // deliberately no SA_RESTART
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);  // no nesting of the two stop signals
  sigaddset(&sa.sa_mask, SIGTERM);
  if (sigaction(SIGINT, &sa, nullptr) < 0) return ThrowErrno(env, "sigaction", errno);
  if (sigaction(SIGTERM, &sa, nullptr) < 0) return ThrowErrno(env, "sigaction", errno);

  // Node blocks nothing by default, but make sure this thread can actually receive them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  return env.Undefined();
}

Napi::Value StopSignal(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<int>(g_stop_signal));
}

// A server started by another http-lab command must not outlive it, even if that command crashes
// before it can stop the server: the kernel sends SIGKILL when the parent exits. SIGKILL, not
// SIGTERM: `bench` pauses idle servers with SIGSTOP, and a stopped process would hold a SIGTERM
// pending forever; with its parent gone, a server has no one to stop gracefully for.
Napi::Value ExitWithParent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) return ThrowErrno(env, "prctl", errno);
  return env.Undefined();
}

Napi::Value GetTid(const Napi::CallbackInfo& info) {
  // syscall() rather than gettid(): the glibc wrapper only exists since 2.30.
  return Napi::Number::New(info.Env(), static_cast<double>(::syscall(SYS_gettid)));
}

}  // namespace

void InitSignals(Napi::Env env, Napi::Object exports) {
  exports.Set("installStopSignals", Napi::Function::New<InstallStopSignals>(env, "installStopSignals"));
  exports.Set("stopSignal", Napi::Function::New<StopSignal>(env, "stopSignal"));
  exports.Set("gettid", Napi::Function::New<GetTid>(env, "gettid"));
  exports.Set("exitWithParent", Napi::Function::New<ExitWithParent>(env, "exitWithParent"));
}

}  // namespace httplab
