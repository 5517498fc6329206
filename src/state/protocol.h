/* SPDX-License-Identifier: MIT */
/* protocol.h - what crosses between hutch's processes and its commands:
 * the signals the launcher and the control verbs send PID 1 or the
 * launcher, the defaults a reader of the state must know, and the
 * notify socket's news between two features of PID 1. Here,
 * below every process, so that PID 1's supervisor does not depend on
 * the client that sends (docs/design.md, "Source layout"). */
#ifndef HUTCH_PROTOCOL_H
#define HUTCH_PROTOCOL_H

#include <signal.h>

/* The signal the launcher passes to PID 1 to restart the service (the
 * sandbox stays): SIGRTMAX, 64 (127 on MIPS), the one real-time signal
 * whose number glibc and musl give the same name. SIGRTMIN+N is not: it
 * is 34+N for a glibc program and 35+N for musl (docs/design.md). */
#define SIGNAL_RESTART (_NSIG - 1)

/* The launcher's --pressure-restart event: SIGNAL_RESTART sent with
 * sigqueue(3) and this value (si_code SI_QUEUE), which no forwarded
 * signal carries (the launcher forwards with kill(2): SI_USER). PID 1
 * then kills the service, and --restart decides what follows. */
#define PRESSURE_KILL 0x50534921 /* "PSI!" */

/* Where --boot-limit keeps its crash loop record without --persist-dir:
 * the launcher names it in its state file, hutch status and reset read
 * it there (bootlimit.h). */
#define PERSIST_DIR_DEFAULT "/var/lib/hutch"

/* What the service told on --ready's notify socket, as ready_receive
 * finds it: bits, which PID 1's supervisor hands to liveness.c for the
 * watchdog's keys. Here, below both features, so that neither depends on
 * the other. The WATCHDOG ones only with HUTCH_LIVENESS: WATCHDOG=1,
 * WATCHDOG=trigger, WATCHDOG_USEC=N. */
enum { READY_NEWS_READY = 1, READY_NEWS_STATUS = 2, READY_NEWS_WATCHDOG = 4,
       READY_NEWS_TRIGGER = 8, READY_NEWS_WATCHDOG_USEC = 16 };

#endif
