package reminders

import (
	"encoding/json"
	"fmt"
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

// Location is the policy's zone (Asia/Ho_Chi_Minh if it cannot be loaded).
func (p Policy) Location() *time.Location {
	if loc, err := time.LoadLocation(p.Timezone); err == nil && p.Timezone != "" {
		return loc
	}
	return NewCalendar(nil, nil).Location()
}

// Calendar is the working calendar with the plan's changes.
func (p Policy) Calendar() *Calendar {
	return NewCalendar(p.Location(), p.Overrides)
}
