{
  "targets": [
    {
      "target_name": "http_lab_native",
      "sources": [
        "servers/native/src/addon.cc",
        "servers/native/src/errors.cc",
        "servers/native/src/events.cc",
        "servers/native/src/signals.cc",
        "servers/native/src/sockets.cc",
        "servers/native/src/unix.cc",
        "servers/native/src/uring.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "configurations": {
        "Release": {
          "cflags": ["-O2"],
          "cflags!": ["-O3"]
        }
      }
    }
  ]
}
