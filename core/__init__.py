"""Project-wide pieces that every app may use and that use no app of the project."""
