#ifndef FANOUT_CNCURSES_SHIM_H
#define FANOUT_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
#include <locale.h>

/// Swift 6 rejects reading these C globals directly; these accessors are safe because
/// ncurses is only ever touched from the one thread that runs the dashboard loop.
static inline WINDOW *fanout_stdscr(void) { return stdscr; }
static inline int fanout_lines(void) { return LINES; }
static inline int fanout_cols(void) { return COLS; }
static inline int fanout_color_pairs(void) { return COLOR_PAIRS; }
static inline int fanout_key_resize(void) { return KEY_RESIZE; }
static inline attr_t fanout_color_pair(int n) { return COLOR_PAIR(n); }
#endif
