/*
 * The practical ceiling of `npm run bench:compare`: the least a server can do per request on this
 * machine. One thread, epoll, non-blocking sockets; every request head (up to a blank line) is
 * answered with one prebuilt response: the headers and the body of one file, read at start-up.
 * No parsing beyond finding "\r\n\r\n", no routing, no Date: a yardstick, not a server.
 * Build: cc -O2 -o epoll-loop epoll-loop.c. Run: epoll-loop PORT FILE.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define BUF 16384

static char *response;
static size_t response_len;

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PORT FILE\n", argv[0]);
    return 2;
  }
  int fd = open(argv[2], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    perror(argv[2]);
    return 1;
  }
  char head[256];
  int head_len = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nServer: yardstick\r\nContent-Type: text/html\r\nContent-Length: %lld\r\n\r\n", (long long)st.st_size);
  response_len = (size_t)head_len + (size_t)st.st_size;
  response = malloc(response_len);
  memcpy(response, head, (size_t)head_len);
  if (read(fd, response + head_len, (size_t)st.st_size) != st.st_size) {
    perror("read");
    return 1;
  }
  close(fd);

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 4096) < 0) {
    perror("listen");
    return 1;
  }
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener};
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  printf("yardstick listening on http://127.0.0.1:%s\n", argv[1]);
  fflush(stdout);

  static char buf[BUF];
  /* bytes of an unfinished request head kept per fd: only the last 3, to find a split "\r\n\r\n" */
  static unsigned char tail[65536][3];
  static unsigned char tail_len[65536];
  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int n = epoll_wait(ep, events, MAX_EVENTS, -1);
    for (int i = 0; i < n; i++) {
      int s = events[i].data.fd;
      if (s == listener) {
        int c;
        while ((c = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          tail_len[c] = 0;
          struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        }
        continue;
      }
      ssize_t got = read(s, buf + 3, BUF - 3);
      if (got <= 0) {
        if (got < 0 && errno == EAGAIN) continue;
        close(s);
        continue;
      }
      /* count complete request heads, including one split across reads */
      size_t start = 3 - tail_len[s];
      memcpy(buf + start, tail[s], tail_len[s]);
      size_t end = 3 + (size_t)got;
      int requests = 0;
      for (size_t k = start; k + 3 < end; k++) {
        if (buf[k] == '\r' && buf[k + 1] == '\n' && buf[k + 2] == '\r' && buf[k + 3] == '\n') {
          requests++;
          k += 3;
        }
      }
      size_t keep = end - start < 3 ? end - start : 3;
      memcpy(tail[s], buf + end - keep, keep);
      tail_len[s] = (unsigned char)keep;
      for (int r = 0; r < requests; r++) {
        /* a yardstick: a short write on loopback with small responses is not handled */
        if (write(s, response, response_len) < 0) break;
      }
    }
  }
}
