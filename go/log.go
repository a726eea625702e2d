package voyager

/*
#include "voyager.h"

void goVoyagerLog(voyager_log_level level, char *message, void *user_data);

static voyager_log_fn voyager_go_log(void) {
	return (voyager_log_fn)goVoyagerLog;
}
*/
import "C"

import (
	"fmt"
	"sync"
)

// LogLevel is how severe a log event of libvoyager is.
type LogLevel int

// The levels, most severe first (as voyager_log_level).
const (
	LogError LogLevel = C.VOYAGER_LOG_ERROR
	LogWarn  LogLevel = C.VOYAGER_LOG_WARN
	LogInfo  LogLevel = C.VOYAGER_LOG_INFO
	LogDebug LogLevel = C.VOYAGER_LOG_DEBUG
	LogTrace LogLevel = C.VOYAGER_LOG_TRACE
)

// String is the level's name: "ERROR", "WARN", "INFO", "DEBUG" or "TRACE".
func (l LogLevel) String() string {
	switch l {
	case LogError:
		return "ERROR"
	case LogWarn:
		return "WARN"
	case LogInfo:
		return "INFO"
	case LogDebug:
		return "DEBUG"
	case LogTrace:
		return "TRACE"
	}
	return fmt.Sprintf("LEVEL(%d)", int(l))
}

// The one logger of the process: libvoyager has one log sink, so the Go side keeps one too, and
// the C callback (goVoyagerLog) reads it here: no Go pointer is handed to C.
var logger struct {
	sync.RWMutex
	f func(LogLevel, string)
}

// SetLogger sends libvoyager's log events up to max (LogWarn: for example a .pgpass ignored for
// its permissions) to f, from any goroutine and concurrently; nil stops them. It replaces any
// earlier logger. Messages are redacted: they never hold a password. f must not call back into
// libvoyager. It returns false when the process already has a Rust `tracing` subscriber that
// receives the events instead.
func SetLogger(f func(level LogLevel, message string), max LogLevel) bool {
	if max < LogError {
		max = LogError
	} else if max > LogTrace {
		max = LogTrace
	}
	logger.Lock()
	logger.f = f
	logger.Unlock()
	if f == nil {
		return bool(C.voyager_set_log_callback(nil, C.voyager_log_level(max), nil))
	}
	return bool(C.voyager_set_log_callback(C.voyager_go_log(), C.voyager_log_level(max), nil))
}
