// Package examples ships the example plan inside the binary, so the demo and
// a container need no files beside it.
package examples

import _ "embed"

// Plan is examples/plan.yaml: the Sở Nội vụ tỉnh Quảng Ngãi plan.
//
//go:embed plan.yaml
var Plan []byte
