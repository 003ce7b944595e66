/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptctl's commands that live in files of their own (replay.c, draw.c), and
 * what they share with ptctl.c.
 */
#ifndef _PTCTL_H
#define _PTCTL_H

#include <stdbool.h>
#include <linux/types.h>

/* A JSON string on stdout, escaped. */
void ptctl_json_str(const char *str);

int ptctl_replay(int argc, char **argv, bool json, bool no_load);
int ptctl_draw(int fd, __u32 id, const char *path, bool json);

#endif /* _PTCTL_H */
