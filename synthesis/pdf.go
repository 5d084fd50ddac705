package synthesis

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoOffice means LibreOffice is not installed, so no PDF can be made.
var ErrNoOffice = errors.New("LibreOffice (soffice) is not installed")

// OfficeBinary is the LibreOffice program found on PATH, or "".
func OfficeBinary() string {
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// RenderPDF converts a DOCX to PDF with headless LibreOffice, writing
// <outDir>/<name>.pdf, and returns its path. A private profile folder keeps
// two conversions (or a running LibreOffice) from blocking each other.
func RenderPDF(ctx context.Context, docxPath, outDir string) (string, error) {
	bin := OfficeBinary()
	if bin == "" {
		return "", ErrNoOffice
	}
	profile, err := os.MkdirTemp("", "reportbot-lo-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(profile)
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation=file://"+filepath.ToSlash(profile),
		"--headless", "--norestore", "--convert-to", "pdf", "--outdir", outDir, docxPath)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("convert %s to PDF: %w: %s", filepath.Base(docxPath), err, strings.TrimSpace(string(out)))
	}
	pdf := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(docxPath), filepath.Ext(docxPath))+".pdf")
	if _, err := os.Stat(pdf); err != nil {
		return "", fmt.Errorf("convert %s to PDF: no PDF written", filepath.Base(docxPath))
	}
	return pdf, nil
}
