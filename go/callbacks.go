package voyager

/*
#include <stdlib.h>
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
