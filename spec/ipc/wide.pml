/*
 * spec/ipc/wide.pml: the rest of Wisp's IPC, for spin: calls and sends
 * on one endpoint, servers that hold two calls at once and answer them
 * in either order (reply, reply_recv, try_recv), EPIPE to receivers when
 * the last send handle goes, and a notification signalled by every
 * client.  ipc.pml checks deaths in the middle of calls; this model
 * checks what needs more than one message in flight.
 *
 * NC clients each: call (its payload is its own number), send one
 * message, signal the notification with bit 1 << c, then exit (closing
 * its send handles).  NS servers: a blocking recv when they hold no
 * call, a try_recv when they hold one, reply or reply_recv on a held
 * call in any order, and they end at recv's EPIPE once every client has
 * gone, after answering what they hold.  A waiter waits on the
 * notification until EPIPE.  Each kernel operation is one atomic step.
 *
 * What spin checks (make spec):
 *   - assertions: a reply reaches the caller that made the call (a
 *     ghost: the server echoes the payload it received with each reply
 *     handle, and the caller checks it is its own); every call gets
 *     exactly one answer; no signal is lost (the waiter has seen every
 *     client's bit when the notification's last signaller goes);
 *   - no invalid end state: everyone ends;
 *   - liveness (LTL, acceptance cycles with -a): a client waiting for a
 *     reply is eventually answered: [] (waiting -> <> answered).
 *
 * Each kernel operation prints "@ PID OP ARGS" (spin prints it in
 * simulations and trail replays; verification ignores it): the run as a
 * script of spec/ipc.md's format, after spec/ipc/trail.py's SETUP, which
 * replays it through the Python model and the C core.
 *
 * Planted bugs (each must be caught):
 *   -DBUG_REPLY_SWAP     a server's reply goes through the other reply
 *                        handle it holds: every caller still gets one
 *                        answer, from the wrong call (the ghost catches it).
 *   -DBUG_NONATOMIC_CALL call is a send, then a separate step that waits
 *                        for the reply: a reply in between finds nobody
 *                        waiting and is dropped (the LTL property and
 *                        the end states catch the caller waiting for ever).
 *   -DBUG_SIGNAL_OVERWRITE a signal sets the word instead of ORing into it.
 */

#ifndef NC
#define NC 2            /* clients */
#endif
#ifndef NS
#define NS 2            /* servers */
#endif
#define HOLD 2          /* calls a server may hold at once */
#define NONE 255
#define ALLBITS ((1 << NC) - 1)

/* client states */
#define RUN     0
#define QCALL   1       /* in the send queue with a call */
#define QSEND   2       /* in the send queue with a send */
#define SENTCALL 3      /* (BUG_NONATOMIC_CALL) delivered, not yet waiting */
#define WAITREP 4       /* a server holds its reply handle */
#define ANSWERED 5
#define SENT    6       /* its send was received */

#define OK 0
#define EPIPE 64
#define GOT_EPIPE 254   /* sgot: recv's EPIPE */

byte cst[NC];
byte rep[NC];           /* the payload of the reply it got, or EPIPE */
byte nans[NC];          /* answers to its call */
bool waiting0;          /* ghost for the LTL property: client 0 waits */

byte sendq[NC];
byte sendn;
byte recvq[NS];
byte recvn;
byte nsend = NC;        /* send handles to the endpoint: one per client */

byte capc[NS * HOLD];   /* reply handles: the caller each names, or NONE */
byte capp[NS * HOLD];   /* the payload received with it (the ghost) */
byte sgot[NS];          /* what a server's receive got: 0 nothing yet,
                           c + 1 a message from client c, GOT_EPIPE */

byte word;              /* the notification */
byte wres;              /* the waiter's result: 0 none yet, 1 a word, EPIPE */
byte wword;
bool wblocked;
byte wnsend = NC;       /* send handles to the notification */

ltl answered { [] (waiting0 -> <> !waiting0) }

/* answer: client c's call gets payload p (or EPIPE): exactly once. */
inline answer(c, p) {
	assert(cst[c] == WAITREP);
	assert(nans[c] == 0);
	nans[c]++;
	rep[c] = p;
	cst[c] = ANSWERED
}

/* deliver: server s receives client c's message (c is out of every
 * queue); a call's reply handle goes to a free slot of s. */
inline deliver(s, c) {
	if
	:: cst[c] == QCALL ->
		k = 0;
		do
		:: capc[s * HOLD + k] != NONE -> k++
		:: else -> break
		od;
		capc[s * HOLD + k] = c;
		capp[s * HOLD + k] = c;
#ifdef BUG_NONATOMIC_CALL
		cst[c] = SENTCALL
#else
		cst[c] = WAITREP
#endif
	:: cst[c] == QSEND -> cst[c] = SENT
	fi;
	sgot[s] = c + 1
}

/* k_send: client c's call (cst QCALL) or send (QSEND) on the endpoint. */
inline k_send(c, kind) {
	atomic {
		if
		:: kind == QCALL -> printf("@ %d call 0 label=%d\n", c + 1, c + 1)
		:: else -> printf("@ %d send 0 label=9\n", c + 1)
		fi;
		cst[c] = kind;
		if
		:: recvn > 0 ->
			s = recvq[0];
			k = 0;
			do
			:: k + 1 < recvn -> recvq[k] = recvq[k + 1]; k++
			:: else -> break
			od;
			recvn--;
			deliver(s, c)
		:: else -> sendq[sendn] = c; sendn++
		fi;
		s = 0; k = 0
	}
}

/* k_recv: server s takes the oldest queued message; else blocks (block)
 * or gets nothing (try_recv: sgot stays 0); EPIPE with no sender left. */
inline k_recv(s, block) {
	if
	:: block -> printf("@ %d recv 0\n", s + NC + 1)
	:: else -> printf("@ %d try_recv 0\n", s + NC + 1)
	fi;
	c = NONE;
	if
	:: sendn > 0 ->
		c = sendq[0];
		k = 0;
		do
		:: k + 1 < sendn -> sendq[k] = sendq[k + 1]; k++
		:: else -> break
		od;
		sendn--;
		deliver(s, c)
	:: sendn == 0 && nsend == 0 -> sgot[s] = GOT_EPIPE
	:: sendn == 0 && nsend > 0 && block -> recvq[recvn] = s; recvn++
	:: sendn == 0 && nsend > 0 && !block -> skip
	fi;
	c = 0; k = 0
}

/* k_reply: server s answers the call of its reply handle h; the handle
 * is used up.  A caller not waiting (it cannot die here) gets nothing. */
inline k_reply(s, h) {
	c = capc[s * HOLD + h];
	p = capp[s * HOLD + h];
	printf("@ %d reply %d label=%d\n", s + NC + 1, h + 1, p + 1);
#ifdef BUG_REPLY_SWAP
	if
	:: capc[s * HOLD + 1 - h] != NONE -> c = capc[s * HOLD + 1 - h]
	:: else -> skip
	fi;
#endif
	if
	:: cst[c] == WAITREP -> answer(c, p)
	:: else -> skip
	fi;
	capc[s * HOLD + h] = NONE;
	capp[s * HOLD + h] = 0;
	c = 0; p = 0
}

/* k_exit: client c ends: its send handles go.  The last send handle of
 * the endpoint wakes the servers in recv with EPIPE; the last of the
 * notification wakes the waiter with EPIPE. */
inline k_exit(c) {
	atomic {
		printf("@ %d exit\n", c + 1);
		nsend--;
		if
		:: nsend == 0 ->
			do
			:: recvn > 0 -> recvn--; sgot[recvq[recvn]] = GOT_EPIPE
			:: else -> break
			od
		:: else -> skip
		fi;
		wnsend--;
		if
		:: wnsend == 0 && wblocked -> wblocked = false; wres = EPIPE
		:: else -> skip
		fi
	}
}

/* k_signal: bits into the notification: the waiter wakes with them, or
 * they are ORed into the word. */
inline k_signal(bits) {
	atomic {
		printf("@ %d signal 1\n", c + 1);
		if
		:: wblocked -> wblocked = false; wword = bits; wres = 1
#ifdef BUG_SIGNAL_OVERWRITE
		:: !wblocked -> word = bits
#else
		:: !wblocked -> word = word | bits
#endif
		fi
	}
}

proctype client(byte c) {
	byte s, k;
	k_send(c, QCALL);
#ifdef BUG_NONATOMIC_CALL
	atomic {        /* the second half of the call: now wait */
		if
		:: cst[c] == SENTCALL -> cst[c] = WAITREP
		:: else -> skip
		fi
	}
#endif
	if
	:: c == 0 -> waiting0 = true
	:: else -> skip
	fi;
	cst[c] == ANSWERED;             /* blocked until the answer */
	if
	:: c == 0 -> waiting0 = false
	:: else -> skip
	fi;
	assert(nans[c] == 1 && rep[c] == c);    /* its own call's reply */
	cst[c] = RUN;
	k_send(c, QSEND);
	cst[c] == SENT;                 /* blocked until received */
	cst[c] = RUN;
	k_signal(1 << c);
	k_exit(c)
}

/* held: how many reply handles server s holds (into n). */
inline held(s, n) {
	n = (capc[s * HOLD] != NONE) + (capc[s * HOLD + 1] != NONE)
}

proctype server(byte s) {
	byte c, k, p, n, h;
	bool tried;     /* tried a second receive since its last change */
	do
	:: held(s, n);
		if
		:: n == 0 ->                    /* recv: block for a message */
			atomic { sgot[s] = 0; k_recv(s, true) };
			sgot[s] != 0;
			if
			:: sgot[s] == GOT_EPIPE -> break
			:: else -> skip
			fi
		:: n == 1 && !tried ->          /* try_recv: take a second call */
			atomic {
				tried = true;
				sgot[s] = 0; k_recv(s, false);
				if
				:: sgot[s] == GOT_EPIPE -> sgot[s] = 0
				:: else -> skip
				fi
			}
		:: n > 0 ->                     /* reply to either held call */
			if
			:: capc[s * HOLD] != NONE -> h = 0
			:: capc[s * HOLD + 1] != NONE -> h = 1
			fi;
			tried = false;
			if
			:: atomic { k_reply(s, h) }
			:: n == 1 ->            /* reply_recv: reply, then recv */
				atomic { k_reply(s, h); sgot[s] = 0; k_recv(s, true) };
				sgot[s] != 0;
				if
				:: sgot[s] == GOT_EPIPE -> break
				:: else -> skip
				fi
			fi;
			h = 0
		fi;
		n = 0
	od;
	/* EPIPE: nobody can send any more; answer what it still holds */
	do
	:: capc[s * HOLD] != NONE -> atomic { k_reply(s, 0) }
	:: capc[s * HOLD + 1] != NONE -> atomic { k_reply(s, 1) }
	:: else -> break
	od
}

proctype waiter() {
	byte seen = 0;
	do
	:: atomic {
		printf("@ %d wait 3\n", NC + NS + 1);
		wres = 0;
		if
		:: word != 0 -> wword = word; word = 0; wres = 1
		:: word == 0 && wnsend == 0 -> wres = EPIPE
		:: word == 0 && wnsend > 0 -> wblocked = true
		fi
	   };
	   wres != 0;
	   if
	   :: wres == EPIPE -> assert(seen == ALLBITS); break
	   :: else -> seen = seen | wword; wword = 0
	   fi
	od
}

init {
	byte k;
	atomic {
		k = 0;
		do
		:: k < NS * HOLD -> capc[k] = NONE; k++
		:: else -> break
		od;
		k = 0;
		do
		:: k < NC -> run client(k); k++
		:: else -> break
		od;
		k = 0;
		do
		:: k < NS -> run server(k); k++
		:: else -> break
		od;
		run waiter()
	}
}
