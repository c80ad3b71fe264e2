/*
 * bcryptprimitives.dll for Wine 8, in tests only.
 *
 * The Go runtime (1.24 and later) loads bcryptprimitives.dll from
 * system32 at start and calls its ProcessPrng for random bytes; Windows 10
 * and later have it, Wine 8 does not, so no Go program starts there. This
 * DLL exports ProcessPrng alone, on top of advapi32's RtlGenRandom
 * (exported as SystemFunction036), which Wine implements. The test harness
 * (package wine) builds it with mingw-w64 and installs it into the private
 * Wine prefix's system32; stscred itself never ships or loads it.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* No C runtime: the entry point only says yes. */
BOOL WINAPI DllMainCRTStartup(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
	(void)instance;
	(void)reason;
	(void)reserved;
	return TRUE;
}

/*
 * ProcessPrng fills data with len random bytes. Windows documents that it
 * always succeeds; RtlGenRandom takes at most a ULONG at a time.
 */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
