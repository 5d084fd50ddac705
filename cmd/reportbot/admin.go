package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/reportbot/reportbot/db"
	"github.com/reportbot/reportbot/plan"
	"github.com/reportbot/reportbot/reminders"
)

func (a *app) cmdPlan(args []string) error {
	if len(args) == 0 {
		return usagef("usage: reportbot plan import FILE | reportbot plan export [--out FILE]")
	}
	switch args[0] {
	case "import":
		return a.planImport(args[1:])
	case "export":
		return a.planExport(args[1:])
	}
	return usagef("unknown plan command %q (import or export)", args[0])
}

func (a *app) planImport(args []string) error {
	fs, dataDir := a.flags("plan import")
	dry := fs.Bool("dry-run", false, "check the file and show what would change, without changing anything")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: reportbot plan import FILE")
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return configError{fmt.Sprintf("read plan: %v", err)}
	}
	p, err := plan.Parse(data)
	if err != nil {
		var perr *plan.Errors
		if errors.As(err, &perr) {
			fmt.Fprintf(a.stderr, "Tệp kế hoạch %s có lỗi, chưa nhập gì / The plan file has errors, nothing was imported:\n%s\n", pos[0], perr.Error())
			return configError{"plan not imported"}
		}
		return err
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	var changes []db.Change
	if *dry {
		changes, err = plan.Preview(a.ctx, store, p)
	} else {
		changes, err = plan.Apply(a.ctx, store, p)
	}
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		fmt.Fprintln(a.stdout, "Kế hoạch không thay đổi / The plan is unchanged.")
		return nil
	}
	verb := "Đã nhập kế hoạch / Plan imported"
	if *dry {
		verb = "Thử nhập (chưa thay đổi gì) / Dry run (nothing changed)"
	}
	fmt.Fprintf(a.stdout, "%s: %s — %d đơn vị, %d nhiệm vụ báo cáo / units, obligations.\n", verb, p.Department, len(p.Units), len(p.Obligations))
	for _, c := range changes {
		fmt.Fprintln(a.stdout, "  "+c.String())
	}
	return nil
}

func (a *app) planExport(args []string) error {
	fs, dataDir := a.flags("plan export")
	out := fs.String("out", "", "write to this file instead of standard output")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	p, err := plan.FromStore(store.Read(a.ctx))
	if err != nil {
		return err
	}
	data, err := p.Marshal()
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = a.stdout.Write(data)
		return err
	}
	return os.WriteFile(*out, data, 0o640)
}

func (a *app) cmdInvite(args []string) error {
	fs, dataDir := a.flags("invite")
	roleName := fs.String("role", "head", "head or member (with a UNIT), office (with or without its UNIT), admin or director")
	ttl := fs.Duration("ttl", 7*24*time.Hour, "how long the invite stays valid")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	role, err := db.ParseRole(*roleName)
	if err != nil {
		return usagef("%v", err)
	}
	if len(pos) > 1 || !role.UnitFits(len(pos) == 1) {
		if role.NeedsUnit() {
			return usagef("usage: reportbot invite UNIT [--role head|member]")
		}
		if role == db.RoleOffice {
			return usagef("usage: reportbot invite [UNIT] --role office")
		}
		return usagef("usage: reportbot invite --role %s (no unit)", role)
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	var unit db.Unit
	if len(pos) == 1 {
		unit, err = store.Read(a.ctx).UnitByCode(pos[0])
		if errors.Is(err, db.ErrNotFound) {
			return configError{fmt.Sprintf("không có đơn vị %q trong kế hoạch / no unit %q in the plan (see 'reportbot plan export')", pos[0], pos[0])}
		}
		if err != nil {
			return err
		}
	}
	var token string
	var inv db.Invite
	err = store.Tx(a.ctx, func(tx *db.Tx) error {
		var err error
		token, inv, err = tx.CreateInvite(unit.ID, role, *ttl, "cli")
		if err != nil {
			return err
		}
		return tx.Audit(0, 0, "invite", string(role), unit.Code)
	})
	if err != nil {
		return err
	}
	loc, err := planLocation(a.ctx, store)
	if err != nil {
		return err
	}
	who := string(role)
	if unit.ID != 0 {
		who += " — " + unit.Code + " " + unit.Name
	}
	username, _ := store.Read(a.ctx).Setting("bot_username")
	if username == "" {
		username = "<bot username>"
		fmt.Fprintln(a.stderr, "(The bot's username is not known yet: start 'reportbot run' once and it is remembered.)")
	}
	fmt.Fprintf(a.stdout, "Lời mời / Invite: %s\nHết hạn / Expires: %s\nLink: https://t.me/%s?start=%s\nMã / Token: %s\n",
		who, inv.ExpiresAt.In(loc).Format("15:04 02/01/2006"), username, token, token)
	return nil
}

func (a *app) cmdCalendar(args []string) error {
	fs, dataDir := a.flags("calendar")
	lang := fs.String("lang", "vi", "vi or en")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	store, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	pol, err := reminders.LoadPolicy(store.Read(a.ctx))
	if err != nil {
		return err
	}
	cal := pol.Calendar()
	year := store.Now().In(cal.Location()).Year()
	if len(pos) == 1 {
		year, err = strconv.Atoi(pos[0])
		if err != nil || year < 1900 || year > 2199 {
			return usagef("YEAR must be a year such as 2027")
		}
	} else if len(pos) > 1 {
		return usagef("usage: reportbot calendar [YEAR]")
	}
	if *lang == "en" {
		fmt.Fprintf(a.stdout, "Days off and make-up working days in %d (check against the Government's announcement; change them in the plan's calendar section):\n", year)
	} else {
		fmt.Fprintf(a.stdout, "Ngày nghỉ và ngày làm bù năm %d (đối chiếu với thông báo của Chính phủ; sửa trong mục calendar của kế hoạch):\n", year)
	}
	for _, d := range cal.Year(year) {
		name, mark := d.NameVI, "[nghỉ]"
		if *lang == "en" {
			name, mark = d.NameEN, "[off]"
		}
		if !d.Off() {
			mark = map[bool]string{true: "[work]", false: "[làm]"}[*lang == "en"]
		}
		wd := weekdayName(d.Date.Weekday(), *lang)
		fmt.Fprintf(a.stdout, "  %s %-6s %-7s %s\n", d.Date.Format("02/01/2006"), wd, mark, name)
	}
	return nil
}

var weekdaysVI = [...]string{"CN", "Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7"}

func weekdayName(d time.Weekday, lang string) string {
	if lang == "en" {
		return d.String()[:3]
	}
	return weekdaysVI[d]
}
