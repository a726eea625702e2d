package voyager

/*
#include <stdlib.h>
#include "voyager.h"
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// goVoyagerProgress receives a progress report from libvoyager (on any thread) and hands it to
// the Go function whose cgo.Handle is user_data.
//
//export goVoyagerProgress
func goVoyagerProgress(progressJSON *C.char, userData unsafe.Pointer) {
	h := *(*cgo.Handle)(userData)
	if f, ok := h.Value().(func(string)); ok {
		f(C.GoString(progressJSON))
	}
}

// goVoyagerLog receives a log event from libvoyager (on any thread) and hands it to the logger
// SetLogger installed.
//
//export goVoyagerLog
func goVoyagerLog(level C.voyager_log_level, message *C.char, _ unsafe.Pointer) {
	logger.RLock()
	f := logger.f
	logger.RUnlock()
	if f != nil {
		f(LogLevel(level), C.GoString(message))
	}
}
