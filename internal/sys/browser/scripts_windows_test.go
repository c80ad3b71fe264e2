package browser

// Browsers written as batch files.
var scripts = struct{ name, failing, ignoring string }{
	name:     "browser.bat",
	failing:  "@echo off\r\necho cannot open %1 1>&2\r\nexit /b 3\r\n",
	ignoring: "@exit /b 0\r\n",
}
