// Package voyager is the Go binding of libvoyager: assess PostgreSQL databases (one, or a fleet)
// before a move to YugabyteDB, through the C library (cgo, include/voyager.h).
//
// Every call takes a context: cancelling it cancels the call through libvoyager's cancel token,
// and the call returns promptly with an *Error of Reason "cancelled" that unwraps to the
// context's error. Failures are *Error values with the core's structure (Kind, Reason, SQLState,
// Retryable, Subject), read from each call's own error object, so they are right whichever OS
// thread the goroutine ran on. Results are Go types decoded from the library's JSON.
//
// Build: cgo finds the header in ../include and the library in ../lib, as the C SDK
// (libvoyager-<version>-x86_64-linux.tar.gz) lays them out beside this package, or in
// ../target/debug in a checkout after `cargo build`; elsewhere set CGO_CFLAGS / CGO_LDFLAGS
// (`pkg-config --cflags --libs libvoyager`).
package voyager

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#cgo LDFLAGS: -L${SRCDIR}/../lib -Wl,-rpath,${SRCDIR}/../lib -L${SRCDIR}/../target/debug -Wl,-rpath,${SRCDIR}/../target/debug -lvoyager
#include <stdlib.h>
#include "voyager.h"

void goVoyagerProgress(char *progress_json, void *user_data);

static voyager_progress_fn voyager_go_progress(void) {
	return (voyager_progress_fn)goVoyagerProgress;
}
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// Version is libvoyager's version, e.g. "0.1.0".
func Version() string { return C.GoString(C.voyager_version()) }

// call runs one C call with an error out-parameter, and a cancel token tied to ctx when ctx
// can be cancelled. The token is freed only after the watcher is done with it.
func call(ctx context.Context, f func(token *C.voyager_cancel_token, errOut **C.voyager_error) C.voyager_status) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return &Error{Kind: KindCancelled, Reason: ReasonCancelled, Message: "the call was cancelled before it started", cause: err}
	}
	var token *C.voyager_cancel_token
	var watcher sync.WaitGroup
	done := make(chan struct{})
	if ctx.Done() != nil {
		token = C.voyager_cancel_token_new()
		watcher.Add(1)
		go func() {
			defer watcher.Done()
			select {
			case <-ctx.Done():
				C.voyager_cancel_token_cancel(token)
			case <-done:
			}
		}()
	}
	var cerr *C.voyager_error
	status := f(token, &cerr)
	close(done)
	watcher.Wait()
	if token != nil {
		C.voyager_cancel_token_free(token)
	}
	if status == C.VOYAGER_OK {
		return nil
	}
	defer C.voyager_error_free(cerr)
	if cerr == nil {
		return &Error{Kind: KindInternal, Reason: ReasonOther, Message: fmt.Sprintf("libvoyager failed with status %d and no error object", int(status))}
	}
	return decodeError(C.GoString(C.voyager_error_json(cerr)), ctx)
}

// cstr is a C copy of s, to free with C.free.
func cstr(s string) *C.char { return C.CString(s) }

// optional is a C copy of s, or NULL for "".
func optional(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

func free(p *C.char) {
	if p != nil {
		C.free(unsafe.Pointer(p))
	}
}

// takeString decodes a string the library returned into out (when out is not nil) and frees it.
func takeString(p *C.char, out interface{}) error {
	defer C.voyager_string_free(p)
	text := C.GoString(p)
	if out == nil {
		return nil
	}
	if err := json.Unmarshal([]byte(text), out); err != nil {
		return &Error{Kind: KindInternal, Reason: ReasonOther, Message: fmt.Sprintf("could not decode libvoyager's result: %v", err)}
	}
	return nil
}

func requestJSON(v interface{}) (*C.char, error) {
	text, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Kind: KindInvalidArgument, Reason: ReasonOther, Message: err.Error()}
	}
	return C.CString(string(text)), nil
}

// ParseConnectionString parses a libpq connection string (nothing is looked up in the
// environment); the password never comes back, only whether there is one.
func ParseConnectionString(conn string) (*ConnectionInfo, error) {
	c := cstr(conn)
	defer free(c)
	var out *C.char
	err := call(nil, func(_ *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_connection_parse(c, &out, e)
	})
	if err != nil {
		return nil, err
	}
	info := &ConnectionInfo{}
	return info, takeString(out, info)
}

// Redact removes passwords from any text that may hold connection strings.
func Redact(text string) string {
	c := cstr(text)
	defer free(c)
	var out *C.char
	if err := call(nil, func(_ *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_connection_redact(c, &out, e)
	}); err != nil {
		return ""
	}
	defer C.voyager_string_free(out)
	return C.GoString(out)
}

// Init runs the init journey with every answer given: check the source, choose the control
// plane, create the migration dir. A question without an answer is an *Error of KindMissingAnswer
// naming its JSON key.
func Init(ctx context.Context, answers InitAnswers) (*InitOutcome, error) {
	req, err := requestJSON(answers)
	if err != nil {
		return nil, err
	}
	defer free(req)
	var out *C.char
	if err := call(ctx, func(t *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_init(req, &out, t, e)
	}); err != nil {
		return nil, err
	}
	outcome := &InitOutcome{}
	return outcome, takeString(out, outcome)
}

// Assess assesses one database and writes its report into the export dir. progress (may be
// nil) is called with each step, from another thread.
func Assess(ctx context.Context, request AssessRequest, progress func(Progress)) (*AssessResult, error) {
	req, err := requestJSON(request)
	if err != nil {
		return nil, err
	}
	defer free(req)
	fn, data, release := progressCallback(func(text string) {
		if progress != nil {
			var p Progress
			if json.Unmarshal([]byte(text), &p) == nil {
				progress(p)
			}
		}
	}, progress != nil)
	defer release()
	var out *C.char
	if err := call(ctx, func(t *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_assess(req, fn, data, &out, t, e)
	}); err != nil {
		return nil, err
	}
	result := &AssessResult{}
	return result, takeString(out, result)
}

// AssessFleet assesses every database of a fleet, concurrently, storing each assessment in
// the control plane. progress (may be nil) is called after each database. Cancelling ctx stops
// the fleet cleanly (claims given back) and returns a cancelled *Error.
func AssessFleet(ctx context.Context, request FleetRequest, progress func(FleetProgress)) (*FleetOutcome, error) {
	req, err := requestJSON(request)
	if err != nil {
		return nil, err
	}
	defer free(req)
	fn, data, release := progressCallback(func(text string) {
		if progress != nil {
			var p FleetProgress
			if json.Unmarshal([]byte(text), &p) == nil {
				progress(p)
			}
		}
	}, progress != nil)
	defer release()
	var out *C.char
	if err := call(ctx, func(t *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_assess_fleet(req, fn, data, &out, t, e)
	}); err != nil {
		return nil, err
	}
	outcome := &FleetOutcome{}
	return outcome, takeString(out, outcome)
}

// progressCallback gives the C callback and user data for f (NULL ones when !wanted), and a
// function to release them after the call.
func progressCallback(f func(string), wanted bool) (C.voyager_progress_fn, unsafe.Pointer, func()) {
	if !wanted {
		return nil, nil, func() {}
	}
	h := C.malloc(C.size_t(unsafe.Sizeof(cgo.Handle(0))))
	handle := cgo.NewHandle(f)
	*(*cgo.Handle)(h) = handle
	return C.voyager_go_progress(), h, func() {
		handle.Delete()
		C.free(h)
	}
}

// StartMigration starts the migration of an assessed database: from its migration dir
// (ConfigFile) or rebuilt from the control plane by its UUID; then checks source and target
// and records the flow.
func StartMigration(ctx context.Context, answers StartMigrationAnswers) (*StartMigrationOutcome, error) {
	req, err := requestJSON(answers)
	if err != nil {
		return nil, err
	}
	defer free(req)
	var out *C.char
	if err := call(ctx, func(t *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_start_migration(req, &out, t, e)
	}); err != nil {
		return nil, err
	}
	outcome := &StartMigrationOutcome{}
	return outcome, takeString(out, outcome)
}

// ControlPlaneStatus is the control plane's status: versions, whether it is writable, counts.
func ControlPlaneStatus(ctx context.Context, controlPlane string) (*ControlPlaneInfo, error) {
	cp := cstr(controlPlane)
	defer free(cp)
	var out *C.char
	if err := call(ctx, func(t *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_control_plane_status(cp, &out, t, e)
	}); err != nil {
		return nil, err
	}
	info := &ControlPlaneInfo{}
	return info, takeString(out, info)
}

// ControlPlaneList is every source database with its latest assessment. filter may be nil.
func ControlPlaneList(ctx context.Context, controlPlane string, filter *ListFilter) ([]MigrationSummary, error) {
	cp := cstr(controlPlane)
	defer free(cp)
	var f *C.char
	if filter != nil {
		var err error
		if f, err = requestJSON(filter); err != nil {
			return nil, err
		}
		defer free(f)
	}
	var out *C.char
	if err := call(ctx, func(t *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_control_plane_list(cp, f, &out, t, e)
	}); err != nil {
		return nil, err
	}
	var rows []MigrationSummary
	return rows, takeString(out, &rows)
}

// FleetRank ranks a fleet into waves, first to migrate first. fleet "" takes the control
// plane's only fleet; weightsFile "" the default weights.
func FleetRank(ctx context.Context, controlPlane, fleet, weightsFile string) ([]RankedRow, error) {
	cp, fl, wf := cstr(controlPlane), optional(fleet), optional(weightsFile)
	defer free(cp)
	defer free(fl)
	defer free(wf)
	var out *C.char
	if err := call(ctx, func(t *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_fleet_rank(cp, fl, wf, &out, t, e)
	}); err != nil {
		return nil, err
	}
	var rows []RankedRow
	return rows, takeString(out, &rows)
}

// Rank ranks every source database the control plane knows, once each. request may be nil.
func Rank(ctx context.Context, controlPlane string, request *RankRequest) ([]RankedRow, error) {
	cp := cstr(controlPlane)
	defer free(cp)
	var r *C.char
	if request != nil {
		var err error
		if r, err = requestJSON(request); err != nil {
			return nil, err
		}
		defer free(r)
	}
	var out *C.char
	if err := call(ctx, func(t *C.voyager_cancel_token, e **C.voyager_error) C.voyager_status {
		return C.voyager_rank(cp, r, &out, t, e)
	}); err != nil {
		return nil, err
	}
	var rows []RankedRow
	return rows, takeString(out, &rows)
}
