#ifndef FANOUT_CNCURSES_SHIM_H
#define FANOUT_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#if defined(__APPLE__)
#include <curses.h>
#else
#include <ncursesw/curses.h>
#endif
#include <locale.h>

// Swift 6 rejects reading ncurses' C globals directly, and attribute and colour values are
// macros Swift cannot import: these accessors expose them. fanout's Terminal calls them only
// under its own lock, from one task at a time.
static inline WINDOW *fanout_stdscr(void) { return stdscr; }
static inline int fanout_width(WINDOW *window) { return getmaxx(window); }
static inline int fanout_height(WINDOW *window) { return getmaxy(window); }
static inline attr_t fanout_color_pair(int n) { return COLOR_PAIR(n); }
static inline attr_t fanout_a_bold(void) { return A_BOLD; }
static inline attr_t fanout_a_dim(void) { return A_DIM; }
static inline attr_t fanout_a_reverse(void) { return A_REVERSE; }
static inline attr_t fanout_a_normal(void) { return A_NORMAL; }
static inline int fanout_attr_on(WINDOW *window, attr_t attributes) { return wattr_on(window, attributes, NULL); }
static inline int fanout_attr_off(WINDOW *window, attr_t attributes) { return wattr_off(window, attributes, NULL); }
#endif
