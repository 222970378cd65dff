/*
 * signaller: for notify.c.  Slot 0 is a badged send handle to a
 * notification: signals it (ORing its badge into the word) and exits.
 */
#include <stdio.h>

#include "wisp.h"

int main(void)
{
    int32_t r = wisp_signal(0);
    if (r != 0)
        printf("signaller: signal -> %s\n", wisp_strerror(r));
    return r != 0;
}
