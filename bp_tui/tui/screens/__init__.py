"""The app's screens: the lesson picker, the lesson, help, an error, and a size notice."""
