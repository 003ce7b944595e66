/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pin floor of the peer benchmark module: ioctls on debugfs
 * ptlab_peer_bench/pin, for bench/ioctl_bench. PEER_IOCTL_PIN pins
 * @npages pages of user memory from @uptr (pin_user_pages_fast with
 * FOLL_WRITE | FOLL_LONGTERM) and keeps them; PEER_IOCTL_UNPIN unpins them
 * (dirty, as after a device write). One set of pins per open file.
 */
#ifndef PTLAB_PEER_BENCH_H
#define PTLAB_PEER_BENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PEER_PIN_MAX	1024

struct peer_pin {
	__u64 uptr;
	__u64 npages;
};

#define PEER_IOCTL_PIN		_IOW('P', 1, struct peer_pin)
#define PEER_IOCTL_UNPIN	_IO('P', 2)

#endif /* PTLAB_PEER_BENCH_H */
