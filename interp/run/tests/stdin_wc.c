/* stdin_wc.c: reads standard input, counts it and echoes it upper-cased
 * (wisp-run test). */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
    long bytes = 0, lines = 0, words = 0;
    int c, in_word = 0;
    while ((c = getchar()) != EOF) {
        bytes++;
        lines += c == '\n';
        if (isspace(c)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
        putchar(toupper(c));
    }
    printf("\n%ld %ld %ld\n", lines, words, bytes);
    return 0;
}
