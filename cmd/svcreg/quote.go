package main

import "github.com/svcreg/svcreg/internal/termtext"

// quoteName returns a name from a release as plain output prints it
// (termtext.Quote).
func quoteName(s string) string { return termtext.Quote(s) }

// escapeControls escapes what is not printable in error and warning text
// (termtext.Escape).
func escapeControls(msg string) string { return termtext.Escape(msg) }

// oneLine makes an error message one line (termtext.OneLine).
func oneLine(msg string) string { return termtext.OneLine(msg) }
