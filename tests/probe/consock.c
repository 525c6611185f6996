/*
 * consock.c - cv-consock: the other end of a --console-socket, as conmon
 * is for podman.
 *
 *   cv-consock SOCKET INPUT   listen on SOCKET; take the terminal's master
 *                             that the runtime sends; type INPUT into it;
 *                             print the name it came with (first line), then
 *                             everything the container writes, until it
 *                             closes the terminal.
 *
 * It binds the socket and then forks: the parent exits once the socket
 * exists, so a test can go on to `containerv create --console-socket`;
 * the child does the rest, its output on the caller's stdout.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int receive(int conn, char *name, size_t size)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {name, size - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = control,
			    .msg_controllen = sizeof(control)};
	struct cmsghdr *cm;
	ssize_t n = recvmsg(conn, &mh, 0);
	int fd = -1;

	if (n < 0)
		return -1;
	name[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char name[256], buf[4096];
	int sock, conn, master;
	ssize_t n;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: cv-consock SOCKET INPUT\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(sock, 1) < 0) {
		perror(argv[1]);
		return 1;
	}
	if (fork() != 0)
		return 0; /* the socket is there: the caller goes on */
	conn = accept(sock, NULL, NULL);
	master = conn < 0 ? -1 : receive(conn, name, sizeof(name));
	unlink(argv[1]);
	if (master < 0) {
		fprintf(stderr, "cv-consock: no terminal received: %s\n", strerror(errno));
		return 1;
	}
	printf("terminal %s\n", name);
	fflush(stdout);
	(void)!write(master, argv[2], strlen(argv[2]));
	(void)!write(master, "\n", 1);
	/* until the last holder of the slave closes it: read() then fails with EIO */
	while ((n = read(master, buf, sizeof(buf))) > 0)
		(void)!write(STDOUT_FILENO, buf, (size_t)n);
	return 0;
}
