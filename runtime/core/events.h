/*
 * events.h - what a running container reports, and what this runtime
 * supports: `events` (usage and OOM kills as JSON lines) and `features`
 * (the runtime-spec features document), both in events.c.
 */
#ifndef CV_RT_EVENTS_H
#define CV_RT_EVENTS_H

#include <stdbool.h>
#include <stdio.h>

#include "common/err.h"

/*
 * cv_container_events - JSON lines as runc prints them: with stats, one
 * {"type":"stats"} and return; else a stats event every interval_ms and an
 * {"type":"oom"} event as soon as the OOM killer strikes, until the
 * container stops.
 */
int cv_container_events(const char *root, const char *id, bool stats, long interval_ms, FILE *out,
			struct cv_err *err);

/* cv_features_json - the runtime-spec features document, from what this host supports. */
char *cv_features_json(void);

#endif
