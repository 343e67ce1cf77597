package cli

import "testing"

// strtos32_or_err's reading, checked against lsns -p 2.38.1.
func TestParseStrtos32(t *testing.T) {
	for s, want := range map[string]int32{"7": 7, " 7": 7, "+7": 7, "-7": -7, "0": 0, "-2147483648": -2147483648} {
		if n, err := ParseStrtos32(s, "invalid PID argument"); err != nil || n != want {
			t.Errorf("%q: %d, %v; want %d", s, n, err, want)
		}
	}
	for s, msg := range map[string]string{
		"abc": "invalid PID argument: 'abc'", "7 ": "invalid PID argument: '7 '", "": "invalid PID argument: ''",
		"-+7": "invalid PID argument: '-+7'", "1x": "invalid PID argument: '1x'",
		"2147483648":  "invalid PID argument: '2147483648': Numerical result out of range",
		"99999999999": "invalid PID argument: '99999999999': Numerical result out of range",
		"-2147483649": "invalid PID argument: '-2147483649': Numerical result out of range",
	} {
		if _, err := ParseStrtos32(s, "invalid PID argument"); err == nil || err.Error() != msg || ExitCode(err) != 1 {
			t.Errorf("%q: %v, want %q", s, err, msg)
		}
	}
	if _, err := ParseStrtou64("99999999999999999999999", "invalid namespace argument"); err == nil ||
		err.Error() != "invalid namespace argument: '99999999999999999999999': Numerical result out of range" {
		t.Errorf("namespace out of range: %v", err)
	}
	if n, err := ParseStrtou64("4026531837", "x"); err != nil || n != 4026531837 {
		t.Errorf("namespace: %d %v", n, err)
	}
}
