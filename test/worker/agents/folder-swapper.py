# A hostile agent's trick: exchange a real folder and a symbolic link to a folder outside the worktree, atomically
# (renameat2 RENAME_EXCHANGE, which Node cannot call), as fast as it can, so that a worker going by path would follow
# the link now and then. Usage: python3 folder-swapper.py <folder> <link> (runs until killed).
import ctypes, os, sys

libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
folder, link = sys.argv[1].encode(), sys.argv[2].encode()
while True:
    if libc.renameat2(AT_FDCWD, folder, AT_FDCWD, link, RENAME_EXCHANGE) != 0:
        sys.exit(f"renameat2: {os.strerror(ctypes.get_errno())}")
