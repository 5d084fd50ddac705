package reminders

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/reportbot/reportbot/db"
)

// Policy is the plan-wide part of the plan that time decisions need: the
// zone, when reminders go out, how overdue units are chased, what the group
// hears, and the year's calendar changes. It is stored as one setting.
type Policy struct {
	Timezone      string
	WorkingHour   int
	WorkingMinute int
	OverdueEvery  int // working days between overdue notices to a head; 0: once
	EscalateAfter int // working days late before the Director is told; 0: never
	WeeklyDigest  bool
	Summary       bool
	NameLateUnits bool
	// ChatLanguage is the language of the Office chat and the
	// announcement group: "vi" or "en". Policies stored before it existed
	// lack it and read as "vi".
	ChatLanguage string
	Overrides    []Override
}

// DefaultPolicy is used until a plan is imported.
func DefaultPolicy() Policy {
	return Policy{Timezone: "Asia/Ho_Chi_Minh", WorkingHour: 8, OverdueEvery: 2, EscalateAfter: 5, WeeklyDigest: true, Summary: true, NameLateUnits: true, ChatLanguage: "vi"}
}

// ChatLang is the language messages to the Office chat and the
// announcement group are written in: "en" only when the plan says so.
func (p Policy) ChatLang() string {
	if p.ChatLanguage == "en" {
		return "en"
	}
	return "vi"
}

const policyKey = "policy"

// LoadPolicy reads the stored policy, or the default if no plan was imported.
func LoadPolicy(r *db.Reader) (Policy, error) {
	raw, err := r.Setting(policyKey)
	if err != nil {
		return Policy{}, fmt.Errorf("load policy: %w", err)
	}
	p := DefaultPolicy()
	if raw == "" {
		return p, nil
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return Policy{}, fmt.Errorf("load policy: %w", err)
	}
	return p, nil
}

// SavePolicy stores the policy.
func SavePolicy(tx *db.Tx, p Policy) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.SetSetting(policyKey, string(raw))
}

// Equal tells whether two policies say the same: dates compared as
// instants, and a missing chat language the same as Vietnamese. Plan import
// uses it to report a change; the bot to know when to rebuild its planner.
func (p Policy) Equal(q Policy) bool {
	if len(p.Overrides) != len(q.Overrides) {
		return false
	}
	for i := range p.Overrides {
		x, y := p.Overrides[i], q.Overrides[i]
		if !x.Date.Equal(y.Date) || x.Off != y.Off || x.NameVI != y.NameVI || x.NameEN != y.NameEN {
			return false
		}
	}
	return p.Timezone == q.Timezone && p.WorkingHour == q.WorkingHour && p.WorkingMinute == q.WorkingMinute &&
		p.OverdueEvery == q.OverdueEvery && p.EscalateAfter == q.EscalateAfter && p.WeeklyDigest == q.WeeklyDigest &&
		p.Summary == q.Summary && p.NameLateUnits == q.NameLateUnits && p.ChatLang() == q.ChatLang()
}

// zones caches loaded time zones: time.LoadLocation reads the zone data
// again on every call, and the policy's zone is asked for on every request.
var zones sync.Map // name → *time.Location

// Location is the policy's zone (Asia/Ho_Chi_Minh if it cannot be loaded).
func (p Policy) Location() *time.Location {
	if p.Timezone != "" {
		if loc, ok := zones.Load(p.Timezone); ok {
			return loc.(*time.Location)
		}
		if loc, err := time.LoadLocation(p.Timezone); err == nil {
			zones.Store(p.Timezone, loc)
			return loc
		}
	}
	return NewCalendar(nil, nil).Location()
}

// Calendar is the working calendar with the plan's changes.
func (p Policy) Calendar() *Calendar {
	return NewCalendar(p.Location(), p.Overrides)
}
