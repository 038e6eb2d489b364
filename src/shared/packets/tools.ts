/** Optional desktop tools for what NetLens does not do itself (full dissection, Wireshark). */
export interface PacketTools {
  tshark: boolean
  wireshark: boolean
}
