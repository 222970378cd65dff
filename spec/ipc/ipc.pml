/*
 * spec/ipc/ipc.pml: the call/reply protocol of one Wisp endpoint, for spin.
 *
 * NC clients each make CALLS calls on one endpoint; NS servers loop
 * recv -> reply.  Each of the first MORTAL servers may die at any moment
 * (holding a reply capability, waiting in recv, or just after a reply), or
 * live on; with MORTAL == NS the endpoint can lose its last receiver.  The
 * first MORTAL_CLIENTS clients may be killed while blocked in a call.  The
 * kernel's part of every operation is one atomic step, as in the kernel,
 * where IPC runs with interrupts masked.  The names follow spec/ipc/model.py and
 * spec/ipc.md: sendq, recvq, a one-shot reply capability per call
 * (holder[c]), EPIPE ("peer dead").
 *
 * What spin checks (make spec):
 *   - no invalid end state: every client finishes all its calls (no call
 *     waits forever, even when its server dies), servers end only while
 *     waiting in recv;
 *   - every call gets exactly one answer, a reply or EPIPE (assertions in
 *     kr_answer and in the client), and a killed client none;
 *   - the endpoint's send queue is FIFO (assertion in kr_dequeue).
 *
 * Planted bugs (each must be caught; make spec fails if spin passes one):
 *   -DBUG_LOST_REPLY    a dying server forgets the callers it holds
 *                       reply capabilities for: they hang.
 *   -DBUG_DOUBLE_REPLY  reply does not consume the reply capability, so a
 *                       server that dies after replying answers twice.
 *   -DBUG_NOT_FIFO      recv takes any queued caller, not the oldest.
 */

#ifndef NC
#define NC 3            /* clients */
#endif
#ifndef NS
#define NS 2            /* servers */
#endif
#ifndef MORTAL
#define MORTAL 2        /* servers 0 .. MORTAL-1 may die at any moment */
#endif
#ifndef MORTAL_CLIENTS
#define MORTAL_CLIENTS 1 /* clients 0 .. MORTAL_CLIENTS-1 may be killed mid-call */
#endif
#ifndef CALLS
#define CALLS 1         /* calls per client */
#endif

#define NONE 255

/* error codes: the numbering of spec/ipc/model.py (ERRORS) */
#define OK     0
#define EPIPE  64

/* client states */
#define IDLE    0       /* running, not in a call */
#define QUEUED  1       /* blocked: in the endpoint's send queue */
#define WAITREP 2       /* blocked: a server holds its reply capability */
#define ANSWERED 3      /* woken with a reply or an error */
#define DEAD    4       /* killed while blocked in its call */

byte cst[NC];           /* client state */
byte result[NC];        /* OK or EPIPE: the answer to the current call */
byte answers[NC];       /* answers delivered so far, over all calls */
byte holder[NC];        /* server holding client c's reply cap, or NONE */
byte ticket[NC];        /* when client c was queued (FIFO check) */
byte nticket;

byte sendq[NC];         /* queued callers, oldest first */
byte sendn;
byte recvq[NS];         /* servers waiting in recv, oldest first */
byte recvn;
byte got[NS];           /* the caller a server received, or NONE */
bool dead[NS];
byte live = NS;         /* servers alive: the endpoint's receive handles */

/* Deliver the one answer of client c's call (needs: inside atomic). */
inline kr_answer(c, code) {
	assert(cst[c] == QUEUED || cst[c] == WAITREP);  /* exactly once */
	result[c] = code;
	answers[c]++;
	holder[c] = NONE;
	cst[c] = ANSWERED
}

/* Rendezvous: server s takes caller c and gets its reply capability. */
inline kr_rendezvous(s, c) {
	holder[c] = s;
	cst[c] = WAITREP;
	got[s] = c
}

/* Take a caller out of the send queue into c: the oldest (FIFO). */
inline kr_dequeue(c) {
	i = 0;
#ifdef BUG_NOT_FIFO
	do
	:: i + 1 < sendn -> i++
	:: break
	od;
#endif
	c = sendq[i];
	j = 0;
	do      /* FIFO: nobody still queued was queued before c */
	:: j < sendn -> assert(j == i || ticket[sendq[j]] > ticket[c]); j++
	:: else -> break
	od;
	do
	:: i + 1 < sendn -> sendq[i] = sendq[i + 1]; i++
	:: else -> break
	od;
	sendn--
}

/* call on the endpoint by client c: rendezvous, queue, or EPIPE when no
 * receive handle is left (QUEUED first only so kr_answer's check holds). */
inline k_call(c) {
	atomic {
		if
		:: live == 0 -> cst[c] = QUEUED; kr_answer(c, EPIPE)
		:: live > 0 && recvn > 0 ->
			s = recvq[0];
			i = 0;
			do
			:: i + 1 < recvn -> recvq[i] = recvq[i + 1]; i++
			:: else -> break
			od;
			recvn--;
			kr_rendezvous(s, c)
		:: live > 0 && recvn == 0 ->
			ticket[c] = nticket; nticket++;
			sendq[sendn] = c; sendn++;
			cst[c] = QUEUED
		fi;
		i = 0; s = 0        /* scratch: dead values multiply states */
	}
}

/* recv by server s: take the oldest caller or wait in recvq. */
inline k_recv(s) {
	atomic {
		got[s] = NONE;
		if
		:: sendn > 0 -> kr_dequeue(c); kr_rendezvous(s, c)
		:: else -> recvq[recvn] = s; recvn++
		fi;
		i = 0; j = 0; c = 0
	}
}

/* reply by server s to caller c: never blocks, consumes the reply cap. */
inline k_reply(s, c) {
	atomic {
		if
		:: holder[c] == s ->
#ifdef BUG_DOUBLE_REPLY
			assert(cst[c] == QUEUED || cst[c] == WAITREP);
			result[c] = OK; answers[c]++; cst[c] = ANSWERED
#else
			kr_answer(c, OK)
#endif
		:: else -> skip     /* caller gone: EPIPE to the server */
		fi;
		got[s] = NONE
	}
}

/* Server s dies: leave recvq, close its handles (reply caps: EPIPE to
 * their callers; the last receive handle: EPIPE to every queued caller). */
inline k_die(s) {
	atomic {
		dead[s] = true;
		live--;
		i = 0; j = 0;
		do      /* leave recvq, keeping the others' order */
		:: i < recvn -> if
			:: recvq[i] != s -> recvq[j] = recvq[i]; j++
			:: else -> skip
			fi; i++
		:: else -> break
		od;
		recvn = j;
#ifndef BUG_LOST_REPLY
		i = 0;
		do
		:: i < NC -> if
			:: holder[i] == s -> kr_answer(i, EPIPE)
			:: else -> skip
			fi; i++
		:: else -> break
		od;
#endif
		if
		:: live == 0 ->
			i = 0;
			do      /* oldest first, as the model wakes them */
			:: i < sendn -> kr_answer(sendq[i], EPIPE); i++
			:: else -> break
			od;
			sendn = 0
		:: else -> skip
		fi;
		i = 0; j = 0
	}
}

/* Client c dies while blocked in its call: it leaves the send queue, or
 * its reply object forgets it (the server's reply will be EPIPE). */
inline k_cdie(c) {
	atomic {
		if
		:: cst[c] == QUEUED ->
			i = 0; j = 0;
			do
			:: i < sendn -> if
				:: sendq[i] != c -> sendq[j] = sendq[i]; j++
				:: else -> skip
				fi; i++
			:: else -> break
			od;
			sendn = j
		:: else -> holder[c] = NONE
		fi;
		cst[c] = DEAD;
		i = 0; j = 0
	}
}

proctype client(byte c) {
	byte i, j, s, n = 0;
	do
	:: n < CALLS ->
		k_call(c);
		if
		:: cst[c] == ANSWERED ->        /* blocked until the one answer */
			n++;
			assert(answers[c] == n);
			cst[c] = IDLE
		:: c < MORTAL_CLIENTS && cst[c] != ANSWERED ->
			k_cdie(c);              /* killed while blocked */
			break
		fi
	:: else -> break
	od
}

proctype server(byte s) {
	byte i, j, c;
	bool mortal;
	if      /* whether this run lets it die: runs with no death are checked too */
	:: mortal = (s < MORTAL)
	:: mortal = false
	fi;
loop:
	k_recv(s);
end:	/* blocked in recv until a caller comes; server 0 may die here */
	if
	:: got[s] != NONE ->
		c = got[s];
		if
		:: k_reply(s, c); c = 0;
			if
			:: goto loop
			:: mortal -> goto die       /* dies after a reply */
			fi
		:: mortal -> goto die           /* dies holding a reply cap */
		fi
	:: mortal -> goto die                   /* dies in recv */
	fi;
die:
	k_die(s)
}

init {
	byte k;
	atomic {
		k = 0;
		do
		:: k < NC -> holder[k] = NONE; run client(k); k++
		:: else -> break
		od;
		k = 0;
		do
		:: k < NS -> got[k] = NONE; run server(k); k++
		:: else -> break
		od
	}
}
