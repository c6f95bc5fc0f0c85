#include "textflag.h"

// illegal executes the all-zero word, which is no instruction.
TEXT ·illegal(SB), NOSPLIT, $0-0
	WORD	$0
	RET
