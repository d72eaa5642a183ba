// The ceiling bench/run.sh measures every server against: the least an HTTP/1.1 server can
// do on this machine. One thread, epoll, non-blocking sockets; a request is read up to its
// blank line, its body skipped by Content-Length (wrk's POST has one), and the same canned
// JSON answer written back. No parser, no allocation per request: what is left is the
// kernel and wrk. Not a server for anything else.
//   bench_ceiling PORT
#define _GNU_SOURCE  // memmem, accept4
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { k_buffer = 65536, k_max_fd = 65536 };

// What functions/hello-world answers the bench's POST, with the head Deno gives it.
static const char k_answer[] =
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 26\r\n\r\n"
    "{\"message\":\"Hello bench!\"}";

// Per connection: bytes of the next request read so far, and body bytes still to skip.
struct Connection {
  char buffer[k_buffer];
  size_t used;
  size_t skip;
};

static struct Connection* connections[k_max_fd];

// The Content-Length of a head, 0 when it has none.
static size_t content_length(const char* head, size_t size) {
  static const char k_name[] = "\ncontent-length:";
  for (size_t i = 0; i + sizeof k_name - 1 < size; i++) {
    if (strncasecmp(head + i, k_name, sizeof k_name - 1) == 0) {
      return strtoul(head + i + sizeof k_name - 1, NULL, 10);
    }
  }
  return 0;
}

// Answers every whole request in the buffer; false when the connection must close.
static int serve(int fd, struct Connection* c) {
  size_t answers = 0;
  size_t start = 0;
  for (;;) {
    if (c->skip > 0) {
      size_t n = c->used - start < c->skip ? c->used - start : c->skip;
      start += n;
      c->skip -= n;
      if (c->skip > 0) {
        break;
      }
    }
    char* end = memmem(c->buffer + start, c->used - start, "\r\n\r\n", 4);
    if (end == NULL) {
      break;
    }
    size_t head = (size_t)(end - (c->buffer + start)) + 4;
    c->skip = content_length(c->buffer + start, head);
    start += head;
    answers++;
  }
  memmove(c->buffer, c->buffer + start, c->used - start);
  c->used -= start;
  if (c->used == k_buffer) {
    return 0;  // a head larger than the buffer: not this bench's traffic
  }
  for (size_t i = 0; i < answers; i++) {
    if (write(fd, k_answer, sizeof k_answer - 1) != (ssize_t)(sizeof k_answer - 1)) {
      return 0;  // wrk reads its answers: a full socket buffer means it went away
    }
  }
  return 1;
}

static void drop(int epoll, int fd) {
  epoll_ctl(epoll, EPOLL_CTL_DEL, fd, NULL);
  close(fd);
  free(connections[fd]);
  connections[fd] = NULL;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: bench_ceiling PORT\n");
    return 2;
  }
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0 ||
      listen(listener, 1024) != 0) {
    perror("bench_ceiling: listen");
    return 1;
  }
  int epoll = epoll_create1(0);
  struct epoll_event event = {.events = EPOLLIN, .data.fd = listener};
  epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
  struct epoll_event events[256];
  for (;;) {
    int ready = epoll_wait(epoll, events, 256, -1);
    for (int i = 0; i < ready; i++) {
      int fd = events[i].data.fd;
      if (fd == listener) {
        int client;
        while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          if (client >= k_max_fd) {
            close(client);
            continue;
          }
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          connections[client] = calloc(1, sizeof(struct Connection));
          struct epoll_event in = {.events = EPOLLIN, .data.fd = client};
          epoll_ctl(epoll, EPOLL_CTL_ADD, client, &in);
        }
        continue;
      }
      struct Connection* c = connections[fd];
      ssize_t n = read(fd, c->buffer + c->used, k_buffer - c->used);
      if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
          continue;
        }
        drop(epoll, fd);
        continue;
      }
      c->used += (size_t)n;
      if (!serve(fd, c)) {
        drop(epoll, fd);
      }
    }
  }
}
