// Package docxtest helps tests look inside the documents reportbot writes:
// the text and XML of a DOCX, and the text of a PDF rendered from it.
package docxtest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Document is a DOCX reopened: its main part's XML and its text, one line
// per paragraph (table cells' paragraphs included).
type Document struct {
	XML  string
	Text string
}

// Read reopens a DOCX from its bytes.
func Read(data []byte) (Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Document{}, fmt.Errorf("open docx: %w", err)
	}
	f, err := zr.Open("word/document.xml")
	if err != nil {
		return Document{}, fmt.Errorf("open docx: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(f)
	if err != nil {
		return Document{}, err
	}
	var text strings.Builder
	dec := xml.NewDecoder(bytes.NewReader(raw))
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Document{}, fmt.Errorf("parse document.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			inText = t.Name.Local == "t"
		case xml.EndElement:
			inText = false
			if t.Name.Local == "p" {
				text.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				text.Write(t)
			}
		}
	}
	return Document{XML: string(raw), Text: text.String()}, nil
}

// PDFText is the text of a PDF as pdftotext (poppler-utils) reads it.
func PDFText(ctx context.Context, path string) (string, error) {
	out, err := exec.CommandContext(ctx, "pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		return "", fmt.Errorf("pdftotext %s: %w", path, err)
	}
	return string(out), nil
}
