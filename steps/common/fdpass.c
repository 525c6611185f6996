/*
 * fdpass.c - SCM_RIGHTS, both ways (see fdpass.h).
 *
 * A descriptor travels as ancillary data (cmsg(3)) beside ordinary data,
 * and at least one byte of that must go: on a stream socket a message
 * with no data carries no ancillary data either, so an empty message is
 * sent as one NUL.  The kernel installs a new descriptor in the receiver
 * for the same open file (unix(7)); the sender's copy stays open until
 * the sender closes it.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/fdpass.h"

int cv_send_fd(int sock, int fd, const void *msg, size_t len)
{
	char control[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {(void *)(len ? msg : ""), len ? len : 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control,
			    .msg_controllen = sizeof(control)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	/* a receiver that is gone is EPIPE, not a SIGPIPE that kills the sender */
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int cv_recv_fd(int sock, char *buf, size_t size, size_t *got, int flags)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, size - 1}; /* room for the NUL */
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control,
			    .msg_controllen = sizeof(control)};
	struct cmsghdr *cm;
	ssize_t n;
	int fd = -EPROTO; /* unless a descriptor came, as the peer promised */

	/* close-on-exec from the moment it exists: an exec in another thread
	 * between recvmsg and fcntl cannot inherit it */
	while ((n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (got)
		*got = (size_t)n;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}
