/*
 * fdpass.h - a file descriptor handed to another process over a unix
 * socket (SCM_RIGHTS, unix(7)): the receiver gets its own descriptor for
 * the same open file.  containerv passes a seccomp listener, a terminal's
 * master, a container's state along with them.
 */
#ifndef CV_COMMON_FDPASS_H
#define CV_COMMON_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* cv_send_fd - send fd with len bytes of msg (at least one byte goes). 0 or -errno. */
int cv_send_fd(int sock, int fd, const void *msg, size_t len);

/*
 * cv_recv_fd - receive a message and the descriptor in it (close-on-exec):
 * the message into buf (NUL-terminated; *got its length, when got is not
 * NULL), flags as for recvmsg.  The fd; -EPROTO when the message had
 * none; or -errno.
 */
int cv_recv_fd(int sock, char *buf, size_t size, size_t *got, int flags);

#endif
