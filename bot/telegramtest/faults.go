package telegramtest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Fault makes matching API calls misbehave, for outage tests. Faults are
// checked in the order added, before the method runs; the first match applies.
// The parts compose: Delay then Status answers slowly with an error, Delay
// alone answers slowly but correctly.
type Fault struct {
	Method     string        // API method, case-insensitive; "" matches every method
	Times      int           // matching calls affected; 0 means every call until ClearFaults
	Status     int           // answer with this Telegram-shaped error (500, 502, 429…)
	RetryAfter int           // parameters.retry_after when Status is 429 (at least 1)
	Delay      time.Duration // hold the call this long first (less if the client gives up)
	Hang       bool          // hold the call until the client gives up or the server closes
	Drop       bool          // close the connection without any answer
}

// DownloadFault makes file downloads misbehave. Fields compose like Fault's.
type DownloadFault struct {
	Times         int           // downloads affected; 0 means all until ClearFaults
	Status        int           // answer with this error status instead of the file
	TruncateAfter int           // if > 0, send only this many bytes, then close the connection
	ChunkSize     int           // if > 0, send the body in chunks of this size…
	ChunkDelay    time.Duration // …pausing this long between chunks
}

// AddFault adds f to the active faults.
func (s *Server) AddFault(f Fault) {
	f.Method = strings.ToLower(f.Method)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.faults = append(s.st.faults, f)
}

// AddDownloadFault adds f to the active download faults.
func (s *Server) AddDownloadFault(f DownloadFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.downloadFaults = append(s.st.downloadFaults, f)
}

// ClearFaults removes every fault and download fault and brings the server up.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.faults, s.st.downloadFaults, s.st.down = nil, nil, false
}

// FailNext makes the next n calls of method ("" for any) fail with an HTTP
// status such as 500 or 502, in Telegram's error shape.
func (s *Server) FailNext(method string, n, status int) {
	s.AddFault(Fault{Method: method, Times: n, Status: status})
}

// FailNextWith429 makes the next n calls of method ("" for any) fail with 429
// "Too Many Requests: retry after retryAfter", independent of Limits.
func (s *Server) FailNextWith429(method string, n, retryAfter int) {
	s.AddFault(Fault{Method: method, Times: n, Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
}

// HangNext makes the next n calls of method ("" for any) hang until the
// client's context or timeout ends them: a Telegram that stopped answering.
func (s *Server) HangNext(method string, n int) {
	s.AddFault(Fault{Method: method, Times: n, Hang: true})
}

// SetDown switches the whole server down or up. While down, every request,
// downloads included, has its connection closed without an answer.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.down = down
}

func (s *Server) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.down
}

// takeFaultLocked returns the first fault matching method and uses up one of its Times.
func (s *Server) takeFaultLocked(method string) (Fault, bool) {
	for i, f := range s.st.faults {
		if f.Method != "" && f.Method != method {
			continue
		}
		if f.Times > 0 {
			s.st.faults[i].Times--
			if s.st.faults[i].Times == 0 {
				s.st.faults = slices.Delete(s.st.faults, i, i+1)
			}
		}
		return f, true
	}
	return Fault{}, false
}

func (s *Server) takeDownloadFaultLocked() (DownloadFault, bool) {
	if len(s.st.downloadFaults) == 0 {
		return DownloadFault{}, false
	}
	f := s.st.downloadFaults[0]
	if f.Times > 0 {
		s.st.downloadFaults[0].Times--
		if s.st.downloadFaults[0].Times == 0 {
			s.st.downloadFaults = s.st.downloadFaults[1:]
		}
	}
	return f, true
}

// applyFault runs the fault matching method, if any, and reports whether the
// call should go on to the method.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, method string) bool {
	s.mu.Lock()
	f, ok := s.takeFaultLocked(method)
	if ok && f.Status == http.StatusTooManyRequests {
		s.st.limiter.total.TooManyRequests++
	}
	s.mu.Unlock()
	if !ok {
		return true
	}
	if f.Drop {
		dropConnection(w)
		return false
	}
	if f.Hang && !s.pause(r.Context(), -1) {
		return false
	}
	if f.Delay > 0 && !s.pause(r.Context(), f.Delay) {
		return false
	}
	if f.Status == 0 {
		return true
	}
	e := statusError(f.Status)
	if f.Status == http.StatusTooManyRequests {
		e.RetryAfter = max(f.RetryAfter, 1)
		e.Description = fmt.Sprintf("Too Many Requests: retry after %d", e.RetryAfter)
	}
	writeError(w, e)
	return false
}

// pause waits d (forever if d < 0) and reports false if ctx ended or the
// server closed first. It is a deliberate delay of an answer, not a poll.
func (s *Server) pause(ctx context.Context, d time.Duration) bool {
	var elapsed <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		elapsed = t.C
	}
	select {
	case <-elapsed:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}
